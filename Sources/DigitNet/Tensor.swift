/// A dense Float32 array with a shape, row-major. Images are NCHW: [batch, channels, height, width].
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Float]

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// A tensor whose every value `fill` writes: for outputs computed in full, which need no zeroing first.
    init(shape: [Int], filledBy fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
    }

    /// A tensor holding `data` with `shape`; the counts must agree.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not hold \(data.count) values")
        self.shape = shape
        self.data = data
    }

    /// Number of values.
    public var count: Int { data.count }

    /// Size of the first axis (the batch, for activations).
    public var batch: Int { shape.first ?? 0 }

    /// Values per item of the first axis.
    public var itemSize: Int { shape.isEmpty ? 0 : shape.dropFirst().reduce(1, *) }

    /// The items (first-axis entries) at `indices`, in that order.
    public func items(_ indices: [Int]) -> Tensor {
        let item = itemSize
        var picked = [Float]()
        picked.reserveCapacity(indices.count * item)
        for i in indices { picked += data[(i * item)..<((i + 1) * item)] }
        return Tensor(shape: [indices.count] + shape.dropFirst(), data: picked)
    }

    /// The same values under another shape with the same count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }
}
