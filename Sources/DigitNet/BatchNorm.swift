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
    private var xhat = Tensor(zeros: [0])  // normalised input, kept for backward
    private var invStd = [Float]()  // [C]

    public init(_ channels: Int) {
        self.channels = channels
        gamma = Parameter(Tensor(shape: [channels], data: [Float](repeating: 1, count: channels)))
        beta = Parameter(Tensor(zeros: [channels]))
        runningMean = Parameter(Tensor(zeros: [channels]), trainable: false)
        runningVar = Parameter(Tensor(shape: [channels], data: [Float](repeating: 1, count: channels)), trainable: false)
    }

    public var summary: String { "BatchNorm \(channels)" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (shape.reduce(1, *), shape) }

    // x: [N, C, ...] -> y: same shape
    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        let n = x.shape[0], c = channels, s = x.itemSize / c
        precondition(x.itemSize == c * s, "BatchNorm expects \(c) channels")
        // Every value of y (and xhat) is written below: no zero-filling first.
        var y = Tensor(shape: x.shape) { _ in }
        let g = gamma.value.data, b = beta.value.data
        if !ctx.training {
            let rm = runningMean.value.data, rv = runningVar.value.data
            let threads = x.count < 1 << 15 ? 1 : min(ctx.threads, c)
            x.data.withUnsafeBufferPointer { xb in
                y.data.withUnsafeMutableBufferPointer { yb in
                    let xp = xb.baseAddress!, yp = SharedPointer(yb.baseAddress!)
                    parallel(threads) { t in
                        for ch in slice(c, part: t, of: threads) {
                            let scale = g[ch] / (rv[ch] + epsilon).squareRoot(), shift = b[ch] - rm[ch] * scale
                            for i in 0..<n {
                                let base = (i * c + ch) * s
                                for j in base..<(base + s) { yp.p[j] = xp[j] * scale + shift }
                            }
                        }
                    }
                }
            }
            return y
        }
        let m = n * s
        xhat = Tensor(shape: x.shape) { _ in }
        var means = [Float](repeating: 0, count: c), vars = [Float](repeating: 0, count: c)
        invStd = [Float](repeating: 0, count: c)
        let threads = min(ctx.threads, c)
        let eps = epsilon
        x.data.withUnsafeBufferPointer { xb in
            y.data.withUnsafeMutableBufferPointer { yb in
                xhat.data.withUnsafeMutableBufferPointer { hb in
                    means.withUnsafeMutableBufferPointer { mb in
                        vars.withUnsafeMutableBufferPointer { vb in
                            invStd.withUnsafeMutableBufferPointer { ib in
                                let xp = xb.baseAddress!, yp = SharedPointer(yb.baseAddress!)
                                let hp = SharedPointer(hb.baseAddress!), mp = SharedPointer(mb.baseAddress!)
                                let vp = SharedPointer(vb.baseAddress!), ip = SharedPointer(ib.baseAddress!)
                                parallel(threads) { t in
                                    for ch in slice(c, part: t, of: threads) {
                                        var sum: Double = 0
                                        for i in 0..<n { sum += Double(Vector.sum(xp + (i * c + ch) * s, s)) }
                                        let mean = Float(sum / Double(m))
                                        var sq: Double = 0
                                        for i in 0..<n {
                                            sq += Double(Vector.sumSquaredDeviations(xp + (i * c + ch) * s, s, mean: mean))
                                        }
                                        let variance = Float(sq / Double(m))
                                        let inv = 1 / (variance + eps).squareRoot()
                                        mp.p[ch] = mean; vp.p[ch] = variance; ip.p[ch] = inv
                                        let gc = g[ch], bc = b[ch]
                                        for i in 0..<n {
                                            let base = (i * c + ch) * s
                                            for j in base..<(base + s) {
                                                let h = (xp[j] - mean) * inv
                                                hp.p[j] = h
                                                yp.p[j] = gc * h + bc
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let unbias = m > 1 ? Float(m) / Float(m - 1) : 1
        for ch in 0..<c {
            runningMean.value.data[ch] = (1 - momentum) * runningMean.value.data[ch] + momentum * means[ch]
            runningVar.value.data[ch] = (1 - momentum) * runningVar.value.data[ch] + momentum * vars[ch] * unbias
        }
        return y
    }

    // dy: [N, C, ...] -> dx: same shape
    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        let n = dy.shape[0], c = channels, s = dy.itemSize / c, m = Float(n * s)
        var dx = Tensor(shape: dy.shape) { _ in }  // every value written below
        var dg = [Float](repeating: 0, count: c), dbeta = [Float](repeating: 0, count: c)
        let g = gamma.value.data, inv = invStd
        let threads = min(ctx.threads, c)
        dy.data.withUnsafeBufferPointer { dyb in
            xhat.data.withUnsafeBufferPointer { hb in
                dx.data.withUnsafeMutableBufferPointer { dxb in
                    dg.withUnsafeMutableBufferPointer { dgb in
                        dbeta.withUnsafeMutableBufferPointer { dbb in
                            let dyp = dyb.baseAddress!, hp = hb.baseAddress!, dxp = SharedPointer(dxb.baseAddress!)
                            let dgp = SharedPointer(dgb.baseAddress!), dbp = SharedPointer(dbb.baseAddress!)
                            parallel(threads) { t in
                                for ch in slice(c, part: t, of: threads) {
                                    var sumDy: Double = 0, sumDyH: Double = 0
                                    for i in 0..<n {
                                        let base = (i * c + ch) * s
                                        sumDy += Double(Vector.sum(dyp + base, s))
                                        sumDyH += Double(Vector.dot(dyp + base, hp + base, s))
                                    }
                                    let sd = Float(sumDy), sdh = Float(sumDyH)
                                    dgp.p[ch] = sdh; dbp.p[ch] = sd
                                    let k = g[ch] * inv[ch] / m
                                    for i in 0..<n {
                                        let base = (i * c + ch) * s
                                        for j in base..<(base + s) { dxp.p[j] = k * (m * dyp[j] - sd - hp[j] * sdh) }
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

    public mutating func visitParameters(_ body: (String, inout Parameter) -> Void) {
        body("weight", &gamma)
        body("bias", &beta)
        body("running_mean", &runningMean)
        body("running_var", &runningVar)
    }
}
