/// max(0, x), elementwise.
public struct ReLU: Layer {
    private var output = Tensor(zeros: [0])

    public init() {}

    public var summary: String { "ReLU" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (0, shape) }

    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        let y = x.data.withUnsafeBufferPointer { xp in
            Tensor(shape: x.shape) { yp in for i in yp.indices { yp[i] = max(xp[i], 0) } }
        }
        if ctx.training { output = y }
        return y
    }

    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        var dx = dy
        dx.data.withUnsafeMutableBufferPointer { d in
            output.data.withUnsafeBufferPointer { y in
                Vector.zeroWhereNotPositive(d.baseAddress!, y.baseAddress!, d.count)
            }
        }
        return dx
    }
}
