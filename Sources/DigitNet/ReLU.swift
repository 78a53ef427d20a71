/// max(0, x), elementwise.
public struct ReLU: Layer {
    private var output = Tensor(zeros: [0])

    public init() {}

    public var summary: String { "ReLU" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (0, shape) }

    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        var y = x
        y.data.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = max(p[i], 0) }
        }
        if ctx.training { output = y }
        return y
    }

    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        var dx = dy
        dx.data.withUnsafeMutableBufferPointer { d in
            output.data.withUnsafeBufferPointer { y in
                for i in d.indices { d[i] = y[i] > 0 ? d[i] : 0 }
            }
        }
        return dx
    }
}
