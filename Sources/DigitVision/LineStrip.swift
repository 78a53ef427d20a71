import DigitImage

/// A mark as the line reader sees it: a strip 28 pixels high, ink bright, the mark's height fitted to about
/// 20 rows (the height of an MNIST digit) and its width scaled alike, with a margin on both sides. Synthetic
/// training strings and marks on pages go through this one function, so the reader meets at run time what it
/// was trained on.
public struct LineStrip: Sendable {
    public static let height = 28
    /// Rows the mark's ink is fitted to, and the blank columns added left and right.
    public static let inkHeight = 20.0, margin = 12
    /// The widest strip read (a longer mark is read shrunk to it).
    public static let maxWidth = 1024

    public var width: Int
    /// height × width values in [0, 1], row-major, ink bright.
    public var pixels: [Float]
    /// Page columns per strip column, and the page column of the strip's column 0.
    public var scale: Double, originX: Double

    /// The page columns that strip columns `columns` cover.
    public func pageColumns(_ columns: Range<Int>) -> Range<Int> {
        let a = Int((originX + Double(columns.lowerBound) * scale).rounded(.down))
        let b = Int((originX + Double(columns.upperBound) * scale).rounded(.up))
        return a..<max(a + 1, b)
    }

    /// The strip of the ink in `box` of `image` (dark ink on light paper) for which `isInk(x, y)` holds.
    /// `inkHeight` and `lift` (rows up) let training vary the fit.
    /// `shear` (page rows per page column) straightens a line of writing that slopes: each column is read
    /// that much lower to the right of the box's centre, and the ink's height is taken across the slope.
    public static func make(_ image: GrayImage, box: Box, inkHeight: Double = inkHeight, lift: Double = 0, shear: Double = 0,
                            isInk: (Int, Int) -> Bool) -> LineStrip? {
        guard box.width > 0, box.height > 0 else { return nil }
        let centre = box.centerX
        // The band the ink fills once straightened: the box itself when there is no slope.
        var band = (top: Double(box.y), height: Double(box.height))
        if shear != 0 {
            var low = Double.infinity, high = -Double.infinity
            for py in box.y..<box.maxY {
                for px in box.x..<box.maxX where isInk(px, py) {
                    let v = Double(py) - shear * (Double(px) + 0.5 - centre)
                    low = min(low, v); high = max(high, v + 1)
                }
            }
            if high > low { band = (low, high - low) }
        }
        var s = band.height / inkHeight  // page pixels per strip pixel
        var inner = max(1, Int((Double(box.width) / s).rounded()))
        if inner > maxWidth - 2 * margin {
            inner = maxWidth - 2 * margin
            s = Double(box.width) / Double(inner)
        }
        let width = inner + 2 * margin
        let top = (Double(height) - band.height / s) / 2 - lift
        var out = [Float](repeating: 0, count: height * width)
        // Each strip pixel averages the page pixels it covers (box filter), ink as 1 − gray/255.
        for y in 0..<height {
            for x in 0..<inner {
                let px0 = Double(box.x) + Double(x) * s, px1 = px0 + s
                let py0 = band.top + (Double(y) - top) * s + shear * ((px0 + px1) / 2 - centre), py1 = py0 + s
                let ya = max(box.y, Int(py0.rounded(.down))), yb = min(box.maxY, Int(py1.rounded(.up)))
                guard ya < yb else { continue }
                let xa = max(box.x, Int(px0.rounded(.down))), xb = min(box.maxX, Int(px1.rounded(.up)))
                guard xa < xb else { continue }
                var sum = 0.0, weight = 0.0
                for py in ya..<yb {
                    let wy = min(Double(py + 1), py1) - max(Double(py), py0)
                    guard wy > 0 else { continue }
                    for px in xa..<xb {
                        let wx = min(Double(px + 1), px1) - max(Double(px), px0)
                        guard wx > 0 else { continue }
                        if isInk(px, py) { sum += wx * wy * (1 - Double(image.pixels[py * image.width + px]) / 255) }
                        weight += wx * wy
                    }
                }
                if weight > 0 { out[y * width + margin + x] = Float(sum / weight) }
            }
        }
        var strip = LineStrip(width: width, pixels: out, scale: s, originX: Double(box.x) - Double(margin) * s)
        strip.evenInk()
        return strip
    }

    /// Brings faint or thin strokes to the contrast and width of MNIST's: the ink is stretched so its strong
    /// pixels are full, and strokes under two pixels wide are widened by one.
    mutating func evenInk() {
        let strong = pixels.filter { $0 > 0.2 }.sorted()
        guard !strong.isEmpty else { return }
        let top = strong[strong.count * 9 / 10]
        if top > 0 && top < 1 { pixels = pixels.map { min(1, $0 / top) } }
        // Mean run of ink along the rows: about the stroke width.
        var runs = 0, inked = 0
        for y in 0..<Self.height {
            var inRun = false
            for x in 0..<width {
                let on = pixels[y * width + x] > 0.5
                if on { inked += 1; if !inRun { runs += 1 } }
                inRun = on
            }
        }
        guard runs > 0, Double(inked) / Double(runs) < 2 else { return }
        var wide = pixels
        for y in 0..<Self.height {
            for x in 0..<width {
                var m = pixels[y * width + x]
                if x > 0 { m = max(m, pixels[y * width + x - 1]) }
                if y > 0 { m = max(m, pixels[(y - 1) * width + x]) }
                wide[y * width + x] = m
            }
        }
        pixels = wide
    }
}

extension LineStrip {
    /// The strip of one mark of a page: the ink of its components only, straightened where the mark is a
    /// line of writing that slopes (`slope`).
    public static func make(_ region: DigitRegion, lit: GrayImage, labels: [Int32]) -> LineStrip? {
        let wanted = Set(region.labels)
        let isInk = { (x: Int, y: Int) -> Bool in
            let l = labels[y * lit.width + x]
            return l != 0 && wanted.contains(l)
        }
        return make(lit, box: region.box, shear: slope(of: region.box, isInk: isInk), isInk: isInk)
    }

    /// The slope (rows per column) of a line of writing: the least-squares line through its ink. Taken only
    /// for a mark at least twice as wide as tall whose ink drifts by a quarter of its height or more across
    /// it, within 12°; otherwise 0 (the shapes of its digits tilt the fit a little, and writing that rises
    /// gently is read as well as it is).
    static func slope(of box: Box, isInk: (Int, Int) -> Bool) -> Double {
        guard box.width >= 2 * box.height else { return 0 }
        var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for py in box.y..<box.maxY {
            for px in box.x..<box.maxX where isInk(px, py) {
                let x = Double(px), y = Double(py)
                n += 1; sx += x; sy += y; sxx += x * x; sxy += x * y
            }
        }
        let variance = sxx - sx * sx / max(n, 1)
        guard n > 0, variance > 0 else { return 0 }
        let slope = (sxy - sx * sy / n) / variance
        guard abs(slope) <= 0.2126 /* tan 12° */, abs(slope) * Double(box.width) >= 0.25 * Double(box.height) else { return 0 }
        return slope
    }

    /// The strip of everything inked on `image` (dark ink on light paper, as a clean rendering is); nil
    /// when it holds no ink.
    public static func make(ofInk image: GrayImage, inkHeight: Double = inkHeight, lift: Double = 0) -> LineStrip? {
        var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
        for y in 0..<image.height {
            for x in 0..<image.width where image.pixels[y * image.width + x] < 128 {
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        guard x1 >= 0 else { return nil }
        // Ink as a page's threshold finds it: the pale rim of a stroke is paper.
        return make(image, box: Box(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1), inkHeight: inkHeight,
                    lift: lift) { x, y in image.pixels[y * image.width + x] < 128 }
    }
}

extension LineStrip {
    /// Strips one under another, ink bright on black, a gray row between them: how strips are shown to a person.
    public static func picture(_ strips: [LineStrip]) -> GrayImage {
        let width = strips.map(\.width).max() ?? 1
        var image = GrayImage(width: width, height: max(1, strips.count * (height + 1)), value: 64)
        for (k, s) in strips.enumerated() {
            for y in 0..<height {
                for x in 0..<width {
                    image[x, k * (height + 1) + y] = x < s.width ? UInt8(max(0, min(255, s.pixels[y * s.width + x] * 255))) : 0
                }
            }
        }
        return image
    }
}
