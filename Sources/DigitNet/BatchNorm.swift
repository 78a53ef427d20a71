/// Batch normalisation per channel, for [N, C, H, W] (2-D) and [N, C] (1-D) inputs. Training uses the batch's
/// statistics and updates running ones (momentum 0.1, unbiased variance, as PyTorch); inference uses the running ones.
public struct BatchNorm: Layer {
    public let channels: Int
    public let epsilon: Float = 1e-5
    public let momentum: Float = 0.1
    public var gamma: Parameter  // [C]
    public var beta: Parameter  // [C]
    public var runningMean: Parameter  // [C], not trained
    public var runningVar: Parameter  // [C], not trained
    /// Set by `Fusion.plan` when a ReLU follows: the output is max(0, ·) and backward takes the ReLU's gradient
    /// too, one pass over the activations fewer each way (the ReLU in the list then passes values through).
    var appliesReLU = false
    private var input = Tensor(zeros: [0])  // kept for backward, which recomputes x̂ from it
    private var means = [Float](), invStd = [Float]()  // [C], of the last training batch
    private var scales = [Float](), shifts = [Float]()  // [C]: y = x·scale + shift (before the ReLU)

    public init(_ channels: Int) {
        self.channels = channels
        gamma = Parameter(Tensor(shape: [channels], data: [Float](repeating: 1, count: channels)))
        beta = Parameter(Tensor(zeros: [channels]))
        runningMean = Parameter(Tensor(zeros: [channels]), trainable: false)
        runningVar = Parameter(Tensor(shape: [channels], data: [Float](repeating: 1, count: channels)), trainable: false)
    }

    public var summary: String { "BatchNorm \(channels)" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (0, shape) }

    public func exportONNX(into g: inout ONNXGraph, input: String, prefix p: String) -> String {
        g.node("BatchNormalization", [input, g.weight(p + "weight", gamma.value), g.weight(p + "bias", beta.value),
                                      g.weight(p + "running_mean", runningMean.value),
                                      g.weight(p + "running_var", runningVar.value)],
               [("epsilon", .float(epsilon))])
    }

    // x: [N, C, ...] -> y: same shape
    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        let n = x.shape[0], c = channels, s = x.itemSize / c
        precondition(x.itemSize == c * s, "BatchNorm expects \(c) channels")
        let g = gamma.value.data, b = beta.value.data
        var scale = [Float](repeating: 0, count: c), shift = scale
        if ctx.training {
            statistics(x, threads: ctx.threads)
            for ch in 0..<c { scale[ch] = g[ch] * invStd[ch]; shift[ch] = b[ch] - means[ch] * scale[ch] }
            input = x; scales = scale; shifts = shift
        } else {
            let rm = runningMean.value.data, rv = runningVar.value.data
            for ch in 0..<c { scale[ch] = g[ch] / (rv[ch] + epsilon).squareRoot(); shift[ch] = b[ch] - rm[ch] * scale[ch] }
        }
        let threads = x.count < 1 << 15 ? 1 : min(ctx.threads, c), relu = appliesReLU
        return x.data.withUnsafeBufferPointer { xb in
            Tensor(shape: x.shape) { yb in  // every value written below
                let xp = xb.baseAddress!, yp = SharedPointer(yb.baseAddress!)
                parallel(threads) { t in
                    for ch in slice(c, part: t, of: threads) {
                        for i in 0..<n {
                            let base = (i * c + ch) * s
                            Vector.affine(xp + base, scale[ch], shift[ch], relu: relu, into: yp.p + base, s)
                        }
                    }
                }
            }
        }
    }

    /// The batch's mean and 1/√(variance + ε) per channel into `means` and `invStd`; running statistics updated.
    private mutating func statistics(_ x: Tensor, threads: Int) {
        let n = x.shape[0], c = channels, s = x.itemSize / c, m = n * s
        var mean = [Float](repeating: 0, count: c), variance = mean
        let threads = x.count < 1 << 15 ? 1 : min(threads, c)
        x.data.withUnsafeBufferPointer { xb in
            mean.withUnsafeMutableBufferPointer { mb in
                variance.withUnsafeMutableBufferPointer { vb in
                    let xp = xb.baseAddress!, mp = SharedPointer(mb.baseAddress!), vp = SharedPointer(vb.baseAddress!)
                    parallel(threads) { t in
                        for ch in slice(c, part: t, of: threads) {
                            var sum: Double = 0
                            for i in 0..<n { sum += Double(Vector.sum(xp + (i * c + ch) * s, s)) }
                            let mu = Float(sum / Double(m))
                            var sq: Double = 0
                            for i in 0..<n { sq += Double(Vector.sumSquaredDeviations(xp + (i * c + ch) * s, s, mean: mu)) }
                            mp.p[ch] = mu; vp.p[ch] = Float(sq / Double(m))
                        }
                    }
                }
            }
        }
        means = mean
        invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let unbias = m > 1 ? Float(m) / Float(m - 1) : 1
        for ch in 0..<c {
            runningMean.value.data[ch] = (1 - momentum) * runningMean.value.data[ch] + momentum * mean[ch]
            runningVar.value.data[ch] = (1 - momentum) * runningVar.value.data[ch] + momentum * variance[ch] * unbias
        }
    }

    // dy: [N, C, ...] -> dx: same shape. With the ReLU applied here, dy is the gradient after it: where the
    // output was clipped to zero, the gradient stops.
    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        let n = dy.shape[0], c = channels, s = dy.itemSize / c, m = Float(n * s)
        var dg = [Float](repeating: 0, count: c), dbeta = [Float](repeating: 0, count: c)
        let g = gamma.value.data, inv = invStd, mean = means, scale = scales, shift = shifts, relu = appliesReLU
        let threads = dy.count < 1 << 15 ? 1 : min(ctx.threads, c)
        let dx = dy.data.withUnsafeBufferPointer { dyb in
            input.data.withUnsafeBufferPointer { xb in
                dg.withUnsafeMutableBufferPointer { dgb in
                    dbeta.withUnsafeMutableBufferPointer { dbb in
                        Tensor(shape: dy.shape) { dxb in  // every value written below
                            let dyp = dyb.baseAddress!, xp = xb.baseAddress!, dxp = SharedPointer(dxb.baseAddress!)
                            let dgp = SharedPointer(dgb.baseAddress!), dbp = SharedPointer(dbb.baseAddress!)
                            parallel(threads) { t in
                                for ch in slice(c, part: t, of: threads) {
                                    let plane = Plane(mean: mean[ch], invStd: inv[ch], scale: scale[ch], shift: shift[ch], relu: relu)
                                    var sumDy: Double = 0, sumDyH: Double = 0
                                    for i in 0..<n {
                                        let base = (i * c + ch) * s
                                        let (sd, sdh) = plane.sums(dyp + base, xp + base, s)
                                        sumDy += Double(sd); sumDyH += Double(sdh)
                                    }
                                    let sd = Float(sumDy), sdh = Float(sumDyH)
                                    dgp.p[ch] = sdh; dbp.p[ch] = sd
                                    let k = g[ch] * inv[ch] / m
                                    for i in 0..<n {
                                        let base = (i * c + ch) * s
                                        plane.inputGradient(dyp + base, xp + base, k: k, m: m, sumDy: sd, sumDyH: sdh,
                                                            into: dxp.p + base, s)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for ch in 0..<c { gamma.grad.data[ch] += dg[ch]; beta.grad.data[ch] += dbeta[ch] }
        return dx
    }

    /// One channel's constants for backward, and its two passes over a plane.
    private struct Plane {
        let mean: Float, invStd: Float, scale: Float, shift: Float, relu: Bool

        /// The gradient reaching the normalisation: dy, stopped where the ReLU (if applied) clipped the output.
        @inline(__always)
        func gradient(_ dy: SIMD16<Float>, _ x: SIMD16<Float>) -> SIMD16<Float> {
            relu ? dy.replacing(with: 0, where: .!(x * SIMD16(repeating: scale) + SIMD16(repeating: shift) .> 0)) : dy
        }
        @inline(__always)
        func gradient(_ dy: Float, _ x: Float) -> Float { relu && !(x * scale + shift > 0) ? 0 : dy }

        /// (Σ dz, Σ dz·x̂) over n values, dz the gradient reaching the normalisation.
        @inline(__always)
        func sums(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) -> (Float, Float) {
            let mv = SIMD16<Float>(repeating: mean), iv = SIMD16<Float>(repeating: invStd)
            var a = SIMD16<Float>(), b = SIMD16<Float>(), i = 0
            while i + 16 <= n {
                let xv = Vector.load(x + i), dz = gradient(Vector.load(dy + i), xv)
                a += dz; b += dz * ((xv - mv) * iv)
                i += 16
            }
            var sa = a.sum(), sb = b.sum()
            while i < n { let dz = gradient(dy[i], x[i]); sa += dz; sb += dz * ((x[i] - mean) * invStd); i += 1 }
            return (sa, sb)
        }

        /// dx = k·(m·dz − Σdz − x̂·Σ(dz·x̂)) over n values.
        @inline(__always)
        func inputGradient(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, k: Float, m: Float, sumDy: Float,
                           sumDyH: Float, into dx: UnsafeMutablePointer<Float>, _ n: Int) {
            let mv = SIMD16<Float>(repeating: mean), iv = SIMD16<Float>(repeating: invStd)
            let kv = SIMD16<Float>(repeating: k), mm = SIMD16<Float>(repeating: m)
            let sd = SIMD16<Float>(repeating: sumDy), sdh = SIMD16<Float>(repeating: sumDyH)
            var i = 0
            while i + 16 <= n {
                let xv = Vector.load(x + i), dz = gradient(Vector.load(dy + i), xv)
                Vector.store(kv * (mm * dz - sd - (xv - mv) * iv * sdh), dx + i)
                i += 16
            }
            while i < n {
                let dz = gradient(dy[i], x[i])
                dx[i] = k * (m * dz - sumDy - (x[i] - mean) * invStd * sumDyH)
                i += 1
            }
        }
    }

    public mutating func visitParameters(_ body: (String, inout Parameter) -> Void) {
        body("weight", &gamma)
        body("bias", &beta)
        body("running_mean", &runningMean)
        body("running_var", &runningVar)
    }
}
