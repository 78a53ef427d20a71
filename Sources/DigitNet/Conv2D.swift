/// 2-D convolution over NCHW batches: im2col on sub-batches small enough to stay in cache, then one sgemm
/// per sub-batch; or, for stride-1 3x3 and 5x5 kernels between channel counts that are multiples of sixteen,
/// Winograd's F(4x4, r x r) (`Winograd`) for the output and both gradients. The batch is split over threads;
/// weight gradients are summed per thread in a fixed order.
public struct Conv2D: Layer {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    public var weight: Parameter  // [Cout, Cin, k, k]
    public var bias: Parameter?  // [Cout]
    /// False for a network's first weighted layer (set by `Fusion.plan`): its input gradient is never used.
    public var needsInputGradient = true
    /// Whether the output and the gradients go through Winograd's F(4x4, r x r): 4 (3x3) or 6.25 (5x5) times
    /// fewer multiplications; its transforms run sixteen channels at a time, so both channel counts must be
    /// multiples of sixteen (every such layer of the built-in models).
    var winograd: Bool
    /// Whether a stride-2 5x5 layer reads, outside training, as a stride-1 3x3 convolution of its input's four
    /// phases (`forwardPhased`) through Winograd: a third of the multiplications and no column matrix. Its
    /// channels must allow that (four times the input's and the output's a multiple of sixteen).
    var phased: Bool
    private let winogradWeights = WinogradWeights()
    private var input = Tensor(zeros: [0])  // [N, Cin, H, W], kept for backward

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, initialization: WeightInit = .he, rng: inout RandomSource) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        let fanIn = inChannels * kernel * kernel
        weight = Parameter(Tensor(shape: [outChannels, inChannels, kernel, kernel],
                                  data: initialization.weights(outChannels * fanIn, fanIn: fanIn, rng: &rng)))
        self.bias = bias ? Parameter(Tensor(shape: [outChannels], data: initialization.biases(outChannels, fanIn: fanIn, rng: &rng))) : nil
        winograd = (kernel == 3 || kernel == 5) && stride == 1 && padding < kernel && inChannels % 16 == 0
            && outChannels % 16 == 0
        phased = kernel == 5 && stride == 2 && inChannels % 4 == 0 && outChannels % 16 == 0
    }

    public var summary: String {
        "Conv2D \(inChannels)→\(outChannels) \(kernel)x\(kernel)" + (stride > 1 ? " stride \(stride)" : "")
            + (padding > 0 ? " pad \(padding)" : "") + (bias == nil ? " no bias" : "")
    }

    private func outSize(_ h: Int) -> Int { (h + 2 * padding - kernel) / stride + 1 }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) {
        let ho = outSize(shape[1]), wo = outSize(shape[2])
        return (ho * wo * outChannels * inChannels * kernel * kernel, [outChannels, ho, wo])
    }

    public func exportONNX(into g: inout ONNXGraph, input: String, prefix p: String) -> String {
        var inputs = [input, g.weight(p + "weight", weight.value)]
        if let bias { inputs.append(g.weight(p + "bias", bias.value)) }
        return g.node("Conv", inputs, [("kernel_shape", .ints([kernel, kernel])),
                                       ("pads", .ints([padding, padding, padding, padding])),
                                       ("strides", .ints([stride, stride]))])
    }

    /// Samples per im2col block: about 2 MB of columns, or as many as keep the products within OpenBLAS's
    /// small-matrix kernels (M·N·K ≤ 10⁶, no packing) where one sample fits: lenet's first layer, one sample
    /// per block, spends a third less time (forward and weight gradient).
    private func subBatch(k: Int, p: Int, n: Int) -> Int {
        let small = smallProductLimit / max(1, outChannels * p * k)
        return max(1, min(n, small >= 1 ? small : (1 << 19) / max(1, k * p)))
    }

    // x: [N, Cin, H, W] -> y: [N, Cout, Ho, Wo]
    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        let ho = outSize(h), wo = outSize(w), p = ho * wo
        let k = inChannels * kernel * kernel, cout = outChannels
        let nb = subBatch(k: k, p: p, n: n), threads = min(ctx.threads, n)
        if winograd {
            if ctx.training { input = x }
            return forwardWinograd(x, threads: threads)
        }
        if phased && !ctx.training && (h + 2 * padding) % 2 == 0 && (w + 2 * padding) % 2 == 0 {
            return forwardPhased(x, threads: threads)
        }
        let geometry = Im2Col(channels: inChannels, height: h, width: w, kernel: kernel, stride: stride,
                              padding: padding, outHeight: ho, outWidth: wo)
        let biasValues = bias?.value.data
        let y = x.data.withUnsafeBufferPointer { xb in
            weight.value.data.withUnsafeBufferPointer { wb in
                Tensor(shape: [n, cout, ho, wo]) { yb in
                    let xp = xb.baseAddress!, wp = wb.baseAddress!, yp = SharedPointer(yb.baseAddress!)
                    parallel(threads) { t in
                        let range = slice(n, part: t, of: threads)
                        let cols = UnsafeMutablePointer<Float>.allocate(capacity: k * nb * p)
                        let out = UnsafeMutablePointer<Float>.allocate(capacity: cout * nb * p)
                        let scratch = geometry.makeScratch(count: nb)
                        defer { cols.deallocate(); out.deallocate(); scratch.deallocate() }
                        var n0 = range.lowerBound
                        while n0 < range.upperBound {
                            let nc = min(nb, range.upperBound - n0)
                            geometry.im2col(xp + n0 * geometry.itemSize, count: nc, into: cols, scratch: scratch)
                            gemm(m: cout, n: nc * p, k: k, a: wp, lda: k, b: cols, ldb: nc * p, c: out, ldc: nc * p)
                            for i in 0..<nc {
                                for co in 0..<cout {
                                    let dst = yp.p + ((n0 + i) * cout + co) * p, src = out + co * nc * p + i * p
                                    let b = biasValues?[co] ?? 0
                                    for j in 0..<p { dst[j] = src[j] + b }
                                }
                            }
                            n0 += nc
                        }
                    }
                }
            }
        }
        if ctx.training { input = x }
        return y
    }

    // x: [N, Cin, H, W] -> y: [N, Cout, Ho, Wo] through Winograd's F(4x4, r x r).
    private func forwardWinograd(_ x: Tensor, threads: Int) -> Tensor {
        let geometry = Winograd(inChannels: inChannels, outChannels: outChannels, height: x.shape[2],
                         width: x.shape[3], kernel: kernel, padding: padding)
        let u = winogradWeights.transformed(weight.value.data, kernel: kernel, outChannels: outChannels,
                                            inChannels: inChannels, adjoint: false)
        return Self.runWinograd(geometry, x, u: u, bias: bias?.value.data, threads: threads)
    }

    // x: [N, Cin, H, W] -> y: [N, Cout, Ho, Wo] for stride 2, kernel 5: the zero-padded input's four phases
    // (its even and odd rows and columns) are 4·Cin planes of (H + 2p)/2 x (W + 2p)/2, channel 4c + 2·(row parity)
    // + column parity; the output is then a stride-1 3x3 convolution of them with the kernels split the same
    // way (`phaseKernels`), through Winograd.
    private func forwardPhased(_ x: Tensor, threads: Int) -> Tensor {
        let n = x.shape[0], h = x.shape[2], w = x.shape[3], p = padding, cin = inChannels
        let ph = (h + 2 * p) / 2, pw = (w + 2 * p) / 2, plane = ph * pw
        let geometry = Winograd(inChannels: 4 * cin, outChannels: outChannels, height: ph, width: pw, kernel: 3, padding: 0)
        let u = winogradWeights.transformedPhases(weight.value.data, outChannels: outChannels, inChannels: cin) {
            Self.phaseKernels($0, outChannels: outChannels, inChannels: cin)
        }
        // A few samples' phases at a time (about 1.6 MB a thread for the shipped model), not the whole batch's.
        let chunk = 16 * max(1, threads), biasValues = bias?.value.data ?? []
        return Tensor(shape: [n, outChannels, geometry.outHeight, geometry.outWidth]) { yb in
            let phases = UnsafeMutablePointer<Float>.allocate(capacity: min(n, chunk) * 4 * cin * plane)
            defer { phases.deallocate() }
            let shared = SharedPointer(phases)
            x.data.withUnsafeBufferPointer { xb in
                u.withUnsafeBufferPointer { ub in
                    biasValues.withUnsafeBufferPointer { bb in
                        var n0 = 0
                        while n0 < n {
                            let nc = min(chunk, n - n0), xp = xb.baseAddress! + n0 * cin * h * w
                            parallel(min(threads, nc)) { t in
                                for i in slice(nc, part: t, of: min(threads, nc)) {
                                    for c in 0..<cin {
                                        let src = xp + (i * cin + c) * h * w
                                        for phase in 0..<4 {
                                            let dst = shared.p + ((i * cin + c) * 4 + phase) * plane, (pr, pc) = (phase / 2, phase % 2)
                                            // Columns 2v + pc − p inside the input: v from v0 to v1 − 1; zeros around.
                                            let v0 = min(pw, max(0, (p - pc + 1) / 2)), v1 = max(v0, min(pw, (w + p - pc + 1) / 2))
                                            dst.update(repeating: 0, count: plane)
                                            for r in 0..<ph {
                                                let row = 2 * r + pr - p
                                                guard row >= 0 && row < h else { continue }
                                                let from = src + row * w + 2 * v0 + pc - p, to = dst + r * pw
                                                for v in v0..<v1 { to[v] = from[2 * (v - v0)] }
                                            }
                                        }
                                    }
                                }
                            }
                            geometry.run(phases, count: nc, u: ub.baseAddress!, bias: bias == nil ? nil : bb.baseAddress,
                                         into: SharedPointer(yb.baseAddress! + n0 * geometry.outSize), threads: threads)
                            n0 += nc
                        }
                    }
                }
            }
        }
    }

    // w: [Cout, Cin, 5, 5] -> [Cout, 4·Cin, 3, 3]: tap (2a + i, 2b + j) of channel c is tap (a, b) of phase
    // channel 4c + 2i + j; taps past the kernel's edge are zeros.
    static func phaseKernels(_ w: [Float], outChannels: Int, inChannels: Int) -> [Float] {
        var out = [Float](repeating: 0, count: outChannels * inChannels * 4 * 9)
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                for phase in 0..<4 {
                    for a in 0..<3 {
                        for b in 0..<3 {
                            let r = 2 * a + phase / 2, q = 2 * b + phase % 2
                            guard r < 5 && q < 5 else { continue }
                            out[((o * inChannels + c) * 4 + phase) * 9 + a * 3 + b] = w[((o * inChannels + c) * 5 + r) * 5 + q]
                        }
                    }
                }
            }
        }
        return out
    }

    // x: [N, C, H, W] -> [N, C', Ho, Wo], the convolution `geometry` describes, with transformed weights u
    // (+ bias per output channel): the forward pass and the input gradient.
    private static func runWinograd(_ geometry: Winograd, _ x: Tensor, u: [Float], bias: [Float]?, threads: Int) -> Tensor {
        let n = x.shape[0], biasValues = bias ?? []
        return Tensor(shape: [n, geometry.outChannels, geometry.outHeight, geometry.outWidth]) { yb in
            x.data.withUnsafeBufferPointer { xb in
                u.withUnsafeBufferPointer { ub in
                    biasValues.withUnsafeBufferPointer { bb in
                        geometry.run(xb.baseAddress!, count: n, u: ub.baseAddress!, bias: bias == nil ? nil : bb.baseAddress,
                                     into: SharedPointer(yb.baseAddress!), threads: threads)
                    }
                }
            }
        }
    }

    // dy: [N, Cout, Ho, Wo] -> dx: [N, Cin, H, W]; accumulates dW, db.
    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        let x = input
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        let ho = outSize(h), wo = outSize(w), p = ho * wo
        let k = inChannels * kernel * kernel, cout = outChannels
        let nb = subBatch(k: k, p: p, n: n), threads = min(ctx.threads, n)
        if winograd { return backwardWinograd(dy, threads: threads) }
        let geometry = Im2Col(channels: inChannels, height: h, width: w, kernel: kernel, stride: stride,
                              padding: padding, outHeight: ho, outWidth: wo)
        let needsDx = needsInputGradient
        // Every value of dx is written by col2im, sub-batch by sub-batch: no zeroing first.
        var dx = Tensor(shape: needsDx ? x.shape : [0]) { _ in }
        let dwParts = ThreadPartials(threads: threads, size: cout * k), dbParts = ThreadPartials(threads: threads, size: cout)
        x.data.withUnsafeBufferPointer { xb in
            dy.data.withUnsafeBufferPointer { dyb in
                weight.value.data.withUnsafeBufferPointer { wb in
                    dx.data.withUnsafeMutableBufferPointer { dxb in
                        let xp = xb.baseAddress!, dyp = dyb.baseAddress!, wp = wb.baseAddress!
                        let dxp = needsDx ? SharedPointer(dxb.baseAddress!) : nil
                        parallel(threads) { t in
                            let range = slice(n, part: t, of: threads)
                            let cols = UnsafeMutablePointer<Float>.allocate(capacity: k * nb * p)
                            let dyc = UnsafeMutablePointer<Float>.allocate(capacity: cout * nb * p)
                            let dcols = UnsafeMutablePointer<Float>.allocate(capacity: needsDx ? k * nb * p : 1)
                            let scratch = geometry.makeScratch(count: nb)
                            let dxScratch = geometry.makeScratch(count: needsDx ? nb : 0)
                            defer {
                                cols.deallocate(); dyc.deallocate(); dcols.deallocate()
                                scratch.deallocate(); dxScratch.deallocate()
                            }
                            let dw = dwParts.part(t), db = dbParts.part(t)
                            var n0 = range.lowerBound
                            while n0 < range.upperBound {
                                let nc = min(nb, range.upperBound - n0), ncp = nc * p
                                for i in 0..<nc {
                                    for co in 0..<cout {
                                        let src = dyp + ((n0 + i) * cout + co) * p, dst = dyc + co * ncp + i * p
                                        dst.update(from: src, count: p)
                                        db[co] += Vector.sum(src, p)
                                    }
                                }
                                geometry.im2col(xp + n0 * geometry.itemSize, count: nc, into: cols, scratch: scratch)
                                gemm(transB: true, m: cout, n: k, k: ncp, a: dyc, lda: ncp, b: cols, ldb: ncp,
                                     beta: 1, c: dw, ldc: k)
                                if let dxp {
                                    gemm(transA: true, m: k, n: ncp, k: cout, a: wp, lda: k, b: dyc, ldb: ncp,
                                         c: dcols, ldc: ncp)
                                    geometry.col2im(dcols, count: nc, into: dxp.p + n0 * geometry.itemSize, scratch: dxScratch)
                                }
                                n0 += nc
                            }
                        }
                    }
                }
            }
        }
        dwParts.add(into: &weight.grad.data)
        if bias != nil { dbParts.add(into: &bias!.grad.data) }
        return dx
    }

    // dy: [N, Cout, Ho, Wo] -> dx: [N, Cin, H, W] through Winograd's F(4x4, r x r); accumulates dW, db.
    private mutating func backwardWinograd(_ dy: Tensor, threads: Int) -> Tensor {
        let x = input, n = x.shape[0], cin = inChannels, cout = outChannels
        let geometry = Winograd(inChannels: cin, outChannels: cout, height: x.shape[2], width: x.shape[3],
                                kernel: kernel, padding: padding)
        let outSize = geometry.outSize
        let duParts = ThreadPartials(threads: threads, size: geometry.positions * cout * cin), dbParts = ThreadPartials(threads: threads, size: cout)
        let hasBias = bias != nil
        x.data.withUnsafeBufferPointer { xb in
            dy.data.withUnsafeBufferPointer { dyb in
                let xp = xb.baseAddress!, dyp = dyb.baseAddress!
                geometry.forEachBlock(count: n, threads: threads, gradient: true) { t, n0, nc, scratch in
                    geometry.accumulateGradient(xp + n0 * geometry.itemSize, dyp + n0 * outSize, count: nc,
                                                into: duParts.part(t), bias: hasBias ? dbParts.part(t) : nil,
                                                scratch: scratch)
                }
            }
        }
        var du = [Float](repeating: 0, count: geometry.positions * cout * cin)
        duParts.add(into: &du)
        du.withUnsafeBufferPointer { d in
            weight.grad.data.withUnsafeMutableBufferPointer { g in
                Winograd.addWeightGradient(d.baseAddress!, kernel: kernel, into: g.baseAddress!, outChannels: cout, inChannels: cin)
            }
        }
        if hasBias { dbParts.add(into: &bias!.grad.data) }
        guard needsInputGradient else { return Tensor(zeros: [0]) }
        // dx is the convolution of dy, padded by kernel − 1 − padding, with the kernels turned and the channels swapped.
        let adjoint = Winograd(inChannels: cout, outChannels: cin, height: dy.shape[2], width: dy.shape[3],
                               kernel: kernel, padding: kernel - 1 - padding)
        let u = winogradWeights.transformed(weight.value.data, kernel: kernel, outChannels: cout, inChannels: cin, adjoint: true)
        return Self.runWinograd(adjoint, dy, u: u, bias: nil, threads: threads)  // [N, Cin, H, W], the input's shape
    }

    public mutating func visitParameters(_ body: (String, inout Parameter) -> Void) {
        body("weight", &weight)
        if bias != nil { body("bias", &bias!) }
    }
}
