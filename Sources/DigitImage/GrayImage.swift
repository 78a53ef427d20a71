/// An 8-bit gray image, row-major, 0 = black: a scan, a crop, a 28x28 sample, a rendered picture. The scan
/// pipeline keeps scans as dark ink on light paper until the final samples; the reports draw it as it is.
public struct GrayImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "pixel count does not match size")
        self.width = width; self.height = height; self.pixels = pixels
    }

    /// A blank image of one value.
    public init(width: Int, height: Int, value: UInt8) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// A square sample of floats in [0, 1] (ink bright), as a picture; values are truncated to bytes.
    public init(sample: [Float], side: Int = 28) {
        self.init(width: side, height: side, pixels: sample.map { UInt8(max(0, min(255, $0 * 255))) })
    }

    /// The pixels inside `box`, which must lie within the image.
    public func cropped(_ box: Box) -> GrayImage {
        var pixels = [UInt8]()
        pixels.reserveCapacity(box.width * box.height)
        for y in box.y..<box.maxY { pixels += self.pixels[(y * width + box.x)..<(y * width + box.maxX)] }
        return GrayImage(width: box.width, height: box.height, pixels: pixels)
    }

    /// 255 − value, for turning light-on-dark images into dark-on-light ones.
    public func inverted() -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { 255 - $0 })
    }
}

extension GrayImage {
    /// Square samples (side·side bytes each) side by side, `perRow` to a row, one pixel of `background`
    /// around each: how samples are shown to a person.
    public static func tiled(_ samples: [[UInt8]], side: Int = 28, perRow: Int = 40, background: UInt8 = 64) -> GrayImage {
        let across = max(1, min(perRow, samples.count)), rows = max(1, (samples.count + across - 1) / across)
        let cell = side + 2
        var img = GrayImage(width: across * cell, height: rows * cell, value: background)
        for (i, s) in samples.enumerated() {
            let ox = (i % across) * cell + 1, oy = (i / across) * cell + 1
            for y in 0..<side { for x in 0..<side { img[ox + x, oy + y] = s[y * side + x] } }
        }
        return img
    }
}
