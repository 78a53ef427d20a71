import DigitImage
import DigitNet

/// A canvas of ink amounts (0 paper … 1 ink) on which digits and strokes are composed, then laid on paper.
struct InkCanvas {
    let width: Int, height: Int
    var ink: [Float]

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        ink = [Float](repeating: 0, count: width * height)
    }

    /// A 28x28 MNIST image (bytes, ink bright) scaled by `scale` with its top-left corner at (x, y); ink
    /// adds up to 1 where strokes cross.
    mutating func stamp(_ pixels: ArraySlice<UInt8>, at x: Double, _ y: Double, scale: Double) {
        let side = Int((28 * scale).rounded(.up)), base = pixels.startIndex
        for oy in 0..<side {
            let py = Int(y) + oy
            guard py >= 0, py < height else { continue }
            let sy = Double(oy) / scale
            for ox in 0..<side {
                let px = Int(x) + ox
                guard px >= 0, px < width else { continue }
                let v = bilinear(pixels, base, Double(ox) / scale, sy)
                if v > 0 { ink[py * width + px] = min(1, ink[py * width + px] + v) }
            }
        }
    }

    private func bilinear(_ p: ArraySlice<UInt8>, _ base: Int, _ x: Double, _ y: Double) -> Float {
        let x0 = Int(x), y0 = Int(y), fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
        func at(_ cx: Int, _ cy: Int) -> Float { cx < 28 && cy < 28 ? Float(p[base + cy * 28 + cx]) / 255 : 0 }
        let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
        let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }

    /// Adds a rendered picture (dark ink on white) at (x, y).
    mutating func add(_ image: GrayImage, at x: Int, _ y: Int) {
        for iy in 0..<image.height where y + iy >= 0 && y + iy < height {
            for ix in 0..<image.width where x + ix >= 0 && x + ix < width {
                let v = 1 - Float(image[ix, iy]) / 255
                if v > 0 { ink[(y + iy) * width + x + ix] = min(1, ink[(y + iy) * width + x + ix] + v) }
            }
        }
    }

    /// The ink as a clean picture, dark on white.
    var picture: GrayImage {
        GrayImage(width: width, height: height, pixels: ink.map { UInt8(max(0, min(255, (255 * (1 - $0)).rounded()))) })
    }

    /// The ink laid on paper: a paper gray with grain and a gentle shading, the ink a dark pen's gray.
    func onPaper(_ rng: inout RandomSource) -> GrayImage {
        let paper = rng.uniform(205, 245), pen = rng.uniform(20, 90), grain = rng.uniform(2, 9)
        let shadeX = rng.uniform(-25, 25), shadeY = rng.uniform(-25, 25)
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let shade = shadeX * Float(x) / Float(width) + shadeY * Float(y) / Float(height)
                let background = paper + shade + grain * rng.normal()
                let v = background + (pen - background) * ink[y * width + x]
                pixels[y * width + x] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }
}
