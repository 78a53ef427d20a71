/// Inverted dropout: in training each value is zeroed with probability `rate` and the rest scaled by
/// 1/(1−rate); in inference it does nothing. The mask comes from the step's seed, so runs repeat.
public struct Dropout: Layer {
    public let rate: Float
    private var mask = [Float]()

    public init(_ rate: Float) { self.rate = rate }

    public var summary: String { "Dropout \(rate)" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (0, shape) }

    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        guard ctx.training, rate > 0 else { return x }
        var rng = RandomSource(seed: ctx.seed)
        let keep = 1 - rate, scale = 1 / keep, n = x.count
        var y = x
        mask = [Float](unsafeUninitializedCapacity: n) { m, initialized in
            y.data.withUnsafeMutableBufferPointer { yp in
                for i in 0..<n {
                    let v: Float = rng.uniform() < keep ? scale : 0
                    m[i] = v
                    yp[i] *= v
                }
            }
            initialized = n
        }
        return y
    }

    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        guard rate > 0 else { return dy }
        var dx = dy
        dx.data.withUnsafeMutableBufferPointer { d in
            mask.withUnsafeBufferPointer { m in for i in 0..<d.count { d[i] *= m[i] } }
        }
        return dx
    }
}
