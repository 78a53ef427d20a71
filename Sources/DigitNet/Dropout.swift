/// Inverted dropout: in training each value is zeroed with probability `rate` and the rest scaled by
/// 1/(1−rate); in inference it does nothing but the ReLU it may apply. Each sample's mask comes from the
/// step's seed and its row, so runs repeat at any thread count.
public struct Dropout: Layer {
    public let rate: Float
    private var mask = [Float]()
    /// Set by `Fusion.plan` when a ReLU comes right before: the mask then also drops the values the ReLU would
    /// clip, and the ReLU passes values through. One pass over the activations each way instead of two.
    var appliesReLU = false

    public init(_ rate: Float) { self.rate = rate }

    public var summary: String { "Dropout \(rate)" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (0, shape) }

    /// Identity at inference: no node.
    public func exportONNX(into g: inout ONNXGraph, input: String, prefix: String) -> String { input }

    // x: [N, ...] -> y: same shape
    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        guard ctx.training, rate > 0 else { return appliesReLU ? ReLU.positivePart(x, ctx) : x }
        let rows = x.shape[0], width = x.itemSize, scale = 1 / (1 - rate), relu = appliesReLU
        // A value is kept when a 16-bit draw is at least this: four draws per 64-bit number.
        let cut = UInt64((rate * 65536).rounded()), cuts = SIMD16<UInt32>(repeating: UInt32(cut))
        let threads = x.count < 1 << 15 ? 1 : min(ctx.threads, rows)
        // y is written from x and the mask in one pass (no copy of x to scale in place). Dropped values are
        // written as 0, not x·0, so an infinite input still gives 0 as ReLU then dropout would.
        var m = [Float]()
        let y = Tensor(shape: x.shape) { yb in
            m = [Float](unsafeUninitializedCapacity: x.count) { mb, initialized in
                x.data.withUnsafeBufferPointer { xb in
                    let mp = SharedPointer(mb.baseAddress!), yp = SharedPointer(yb.baseAddress!), xp = xb.baseAddress!
                    parallel(threads) { t in
                        for row in slice(rows, part: t, of: threads) {
                            var rng = RandomSource(seed: ctx.seed, UInt64(row), 4)
                            let mr = mp.p + row * width, yr = yp.p + row * width, xr = xp + row * width
                            // Sixteen values at a time from four draws, the same 16-bit slices in the same order
                            // as one at a time.
                            var i = 0
                            while i + 16 <= width {
                                let draws = SIMD4<UInt64>(rng.next(), rng.next(), rng.next(), rng.next())
                                let slices = SIMD16<UInt32>(truncatingIfNeeded: unsafeBitCast(draws, to: SIMD16<UInt16>.self))
                                let xv = Vector.load(xr + i)
                                let keep = relu ? (slices .>= cuts) .& (xv .> 0) : slices .>= cuts
                                Vector.store(SIMD16<Float>().replacing(with: scale, where: keep), mr + i)
                                Vector.store((xv * scale).replacing(with: 0, where: .!keep), yr + i)
                                i += 16
                            }
                            var bits: UInt64 = 0
                            while i < width {
                                if i & 3 == 0 { bits = rng.next() }
                                let keep = bits & 0xFFFF >= cut && (!relu || xr[i] > 0)
                                bits >>= 16
                                mr[i] = keep ? scale : 0
                                yr[i] = keep ? xr[i] * scale : 0
                                i += 1
                            }
                        }
                    }
                }
                initialized = x.count
            }
        }
        mask = m
        return y
    }

    // dy -> dx = dy · mask, written in one pass.
    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        guard rate > 0 else { return dy }
        return dy.data.withUnsafeBufferPointer { db in
            mask.withUnsafeBufferPointer { mb in
                Tensor(shape: dy.shape) { Vector.multiply(db.baseAddress!, mb.baseAddress!, into: $0.baseAddress!, $0.count) }
            }
        }
    }
}
