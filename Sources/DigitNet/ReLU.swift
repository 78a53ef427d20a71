/// max(0, x), elementwise.
public struct ReLU: Layer {
    private var output = Tensor(zeros: [0])
    /// Set by `Fusion.plan` when the layer before applies max(0, ·) to its own output (BatchNorm does): values and
    /// gradients then pass through unchanged.
    var passesThrough = false

    public init() {}

    public var summary: String { "ReLU" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (0, shape) }

    public func exportONNX(into g: inout ONNXGraph, input: String, prefix: String) -> String { g.node("Relu", [input]) }

    /// Elementwise work this small stays on one thread.
    private static func threads(_ count: Int, _ ctx: PassContext) -> Int { count < 1 << 15 ? 1 : ctx.threads }

    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        if passesThrough { return x }
        let y = Self.positivePart(x, ctx)
        if ctx.training { output = y }
        return y
    }

    /// max(x, 0) as a new tensor (Dropout uses it in inference when it applies the ReLU before it).
    static func positivePart(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        let threads = threads(x.count, ctx)
        return x.data.withUnsafeBufferPointer { xb in
            Tensor(shape: x.shape) { yb in
                let xp = xb.baseAddress!, yp = SharedPointer(yb.baseAddress!)
                parallel(threads) { t in
                    for i in slice(yb.count, part: t, of: threads) { yp.p[i] = max(xp[i], 0) }
                }
            }
        }
    }

    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        if passesThrough { return dy }
        let threads = Self.threads(dy.count, ctx)
        return dy.data.withUnsafeBufferPointer { db in
            output.data.withUnsafeBufferPointer { yb in
                Tensor(shape: dy.shape) { xb in
                    let dp = db.baseAddress!, yp = yb.baseAddress!, xp = SharedPointer(xb.baseAddress!)
                    parallel(threads) { t in
                        let r = slice(xb.count, part: t, of: threads)
                        Vector.keepWherePositive(dp + r.lowerBound, yp + r.lowerBound, into: xp.p + r.lowerBound, r.count)
                    }
                }
            }
        }
    }
}
