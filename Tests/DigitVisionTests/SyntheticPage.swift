import DigitImage
import DigitShim
@testable import DigitVision
import Foundation

/// Draws test pages with known truth: digit-like glyphs of thick strokes at known places, on paper that can
/// be shaded, noisy, blurred, coloured, inverted, ruled or tilted.
struct SyntheticPage {
    var width: Int
    var height: Int
    /// Ink darkness 0 (black) ... 255; paper is 255 before effects.
    var pixels: [Float]

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        pixels = [Float](repeating: 255, count: width * height)
    }

    mutating func dot(_ x: Double, _ y: Double, radius: Double, ink: Float = 20) {
        let r = Int(radius.rounded(.up)) + 1
        for yy in max(0, Int(y) - r)...min(height - 1, Int(y) + r) {
            for xx in max(0, Int(x) - r)...min(width - 1, Int(x) + r) {
                let d = ((Double(xx) - x) * (Double(xx) - x) + (Double(yy) - y) * (Double(yy) - y)).squareRoot()
                if d <= radius { pixels[yy * width + xx] = min(pixels[yy * width + xx], ink) }
            }
        }
    }

    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, thickness: Double) {
        let steps = Int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        for i in 0...steps {
            let t = Double(i) / Double(steps)
            dot(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, radius: thickness / 2)
        }
    }

    mutating func ring(_ cx: Double, _ cy: Double, rx: Double, ry: Double, thickness: Double) {
        for i in 0..<360 {
            let a = Double(i) * .pi / 180
            dot(cx + rx * cos(a), cy + ry * sin(a), radius: thickness / 2)
        }
    }

    /// A glyph in box (x, y, w, h): 0 a ring, 1 a bar, 7 a bar and a diagonal, 4 three strokes.
    mutating func glyph(_ kind: Int, x: Double, y: Double, w: Double, h: Double, thickness: Double) {
        switch kind {
        case 0: ring(x + w / 2, y + h / 2, rx: w / 2 - thickness, ry: h / 2 - thickness, thickness: thickness)
        case 1: line(x + w / 2, y + thickness, x + w / 2, y + h - thickness, thickness: thickness)
        case 7:
            line(x + thickness, y + thickness, x + w - thickness, y + thickness, thickness: thickness)
            line(x + w - thickness, y + thickness, x + w * 0.35, y + h - thickness, thickness: thickness)
        default:
            line(x + w * 0.6, y + thickness, x + w * 0.6, y + h - thickness, thickness: thickness)
            line(x + w * 0.6, y + thickness, x + thickness, y + h * 0.65, thickness: thickness)
            line(x + thickness, y + h * 0.65, x + w - thickness, y + h * 0.65, thickness: thickness)
        }
    }

    /// Shading: a gradient from full light at the left to `dark` × at the right.
    mutating func shade(dark: Float) {
        for y in 0..<height { for x in 0..<width {
            pixels[y * width + x] *= 1 - (1 - dark) * Float(x) / Float(width)
        }}
    }

    mutating func noise(_ amount: Float, seed: UInt64) {
        var state = seed
        for i in pixels.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            pixels[i] += amount * (Float(state >> 40) / Float(1 << 24) - 0.5)
        }
    }

    mutating func blur() {
        var out = pixels
        for y in 1..<(height - 1) { for x in 1..<(width - 1) {
            var s: Float = 0
            for dy in -1...1 { for dx in -1...1 { s += pixels[(y + dy) * width + x + dx] } }
            out[y * width + x] = s / 9
        }}
        pixels = out
    }

    var gray: GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    /// The page as a colour image on paper of colour (b, g, r) scaled by the gray level, encoded to `ext`.
    func encoded(ext: String, paper: (Float, Float, Float) = (1, 1, 1)) throws -> [UInt8] {
        var bgr = [UInt8](repeating: 0, count: width * height * 3)
        for i in pixels.indices {
            let v = max(0, min(255, pixels[i]))
            bgr[3 * i] = UInt8(v * paper.0); bgr[3 * i + 1] = UInt8(v * paper.1); bgr[3 * i + 2] = UInt8(v * paper.2)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID().uuidString).\(ext)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var err = ds_error()
        let code = bgr.withUnsafeBufferPointer { ds_write_image(path, $0.baseAddress, Int32(width), Int32(height), 3, &err) }
        try ScanError.check(code, err)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
