/// A set of 8-bit grayscale images with their class labels, as MNIST stores them.
public struct LabeledImages: Sendable {
    public let rows: Int
    public let columns: Int
    /// count × rows × columns bytes, 0 = background, 255 = ink.
    public var pixels: [UInt8]
    /// One class index per image.
    public var labels: [UInt8]

    public init(rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == labels.count * rows * columns, "pixel count does not match labels")
        self.rows = rows; self.columns = columns; self.pixels = pixels; self.labels = labels
    }

    public var count: Int { labels.count }

    /// The images at `range`, in order.
    public func slice(_ range: Range<Int>) -> LabeledImages {
        let size = rows * columns
        return LabeledImages(rows: rows, columns: columns,
                             pixels: Array(pixels[(range.lowerBound * size)..<(range.upperBound * size)]),
                             labels: Array(labels[range]))
    }

    /// Images at `indices` as floats in [0, 1], shaped [N, 1, rows, columns].
    public func tensor(_ indices: some Collection<Int>) -> Tensor {
        let size = rows * columns
        var t = Tensor(zeros: [indices.count, 1, rows, columns])
        t.data.withUnsafeMutableBufferPointer { out in
            pixels.withUnsafeBufferPointer { src in
                for (k, i) in indices.enumerated() {
                    for j in 0..<size { out[k * size + j] = Float(src[i * size + j]) * (1 / 255) }
                }
            }
        }
        return t
    }

    /// All images as floats, [N, 1, rows, columns].
    public var allPixels: Tensor { tensor(0..<count) }
}
