import DigitImage
import Foundation

/// Stage 3: the page's tilt, from the horizontal projection of its ink: rows of digits (and ruled or grid
/// lines) give the sharpest profile when they run horizontally.
public enum Deskew {
    /// The angle in degrees (counter-clockwise, within ±`range`) by which the page content is tilted;
    /// rotating by its negative straightens the page. 0 when there is too little to tell: a page needs at
    /// least three separate digits (or ruled lines) to have rows; a lone digit's own slant is not a tilt.
    public static func angle(_ binary: GrayImage, range: Double = 45) throws -> Double {
        let scale = min(1, 600 / Double(max(binary.width, binary.height)))
        var small = scale < 1
            ? try binary.resized(width: max(1, Int(Double(binary.width) * scale)), height: max(1, Int(Double(binary.height) * scale)))
            : binary
        if scale < 1 { small.pixels = small.pixels.map { $0 > 64 ? 255 : 0 } }
        let marks = try Components.find(in: small).components
        let regions = Segmenter.regions(marks, width: small.width, height: small.height).regions
        let long = marks.contains { Double($0.maxSide) > 0.5 * Double(max(small.width, small.height)) && $0.maxSide > 20 * min($0.width, $0.height) }
        guard regions.count >= 3 || long else { return 0 }
        var xs = [Float](), ys = [Float]()
        for y in 0..<small.height {
            for x in 0..<small.width where small.pixels[y * small.width + x] > 64 {
                xs.append(Float(x)); ys.append(Float(y))
            }
        }
        guard xs.count >= 50 else { return 0 }
        if xs.count > 40000 {  // an even subsample keeps the profile's shape
            let step = xs.count / 40000 + 1
            xs = stride(from: 0, to: xs.count, by: step).map { xs[$0] }
            ys = stride(from: 0, to: ys.count, by: step).map { ys[$0] }
        }
        let diagonal = Float((small.width * small.width + small.height * small.height)).squareRoot()
        var bins = [Float](repeating: 0, count: Int(2 * diagonal) + 4)
        func sharpness(_ degrees: Double) -> Double {
            let t = Float(degrees * .pi / 180), c = cosf(t), s = sinf(t)
            for i in bins.indices { bins[i] = 0 }
            for i in xs.indices {
                let y = ys[i] * c + xs[i] * s + diagonal
                bins[Int(y)] += 1
            }
            return bins.reduce(0) { $0 + Double($1 * $1) }
        }
        var best = 0.0, bestScore = sharpness(0)
        let flat = bestScore
        for d in stride(from: -range, through: range, by: 1) {
            let s = sharpness(d)
            if s > bestScore { best = d; bestScore = s }
        }
        let coarse = best
        for d in stride(from: coarse - 1, through: coarse + 1, by: 0.1) where abs(d) <= range {
            let s = sharpness(d)
            if s > bestScore { best = d; bestScore = s }
        }
        // Ignore angles that sharpen the profile only marginally: no real structure to align.
        return bestScore > flat * 1.05 ? best : 0
    }
}
