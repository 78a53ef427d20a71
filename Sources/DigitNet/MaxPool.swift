/// Max pooling over square windows (no padding; partial windows at the edge are dropped, as PyTorch does).
public struct MaxPool: Layer {
    public let size: Int, stride: Int
    private var argmax = [Int32]()  // per output: index of the winning input within its plane
    private var inputShape = [Int]()

    public init(_ size: Int = 2, stride: Int? = nil) {
        self.size = size
        self.stride = stride ?? size
    }

    public var summary: String { "MaxPool \(size)x\(size)" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) {
        let ho = (shape[1] - size) / stride + 1, wo = (shape[2] - size) / stride + 1
        return (0, [shape[0], ho, wo])
    }

    public func exportONNX(into g: inout ONNXGraph, input: String, prefix: String) -> String {
        g.node("MaxPool", [input], [("kernel_shape", .ints([size, size])), ("strides", .ints([stride, stride]))])
    }

    // x: [N, C, H, W] -> y: [N, C, Ho, Wo]
    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let ho = (h - size) / stride + 1, wo = (w - size) / stride + 1
        let threads = x.count < 1 << 15 ? 1 : min(ctx.threads, n * c)
        let keep = ctx.training
        // Every output and index is written below: no zero-filling first.
        var idx = [Int32](unsafeUninitializedCapacity: keep ? n * c * ho * wo : 0) { _, k in k = keep ? n * c * ho * wo : 0 }
        let y = x.data.withUnsafeBufferPointer { xp in
            Tensor(shape: [n, c, ho, wo]) { yp in
                idx.withUnsafeMutableBufferPointer { ip in
                    let yb = SharedPointer(yp.baseAddress!), ib = keep ? SharedIndices(ip.baseAddress!) : nil
                    parallel(threads) { t in
                        for plane in slice(n * c, part: t, of: threads) {
                            let src = xp.baseAddress! + plane * h * w
                            let out = yb.p + plane * ho * wo, at = ib.map { $0.p + plane * ho * wo }
                            if size == 2 && stride == 2 {
                                pool2x2(src, width: w, outHeight: ho, outWidth: wo, into: out, argmax: at)
                            } else {
                                pool(src, width: w, outHeight: ho, outWidth: wo, into: out, argmax: at)
                            }
                        }
                    }
                }
            }
        }
        if keep { argmax = idx; inputShape = x.shape }
        return y
    }

    /// One plane, any window: the first largest input of each window wins.
    private func pool(_ src: UnsafePointer<Float>, width w: Int, outHeight ho: Int, outWidth wo: Int,
                      into out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?) {
        for oy in 0..<ho {
            for ox in 0..<wo {
                var best = -Float.infinity, at = 0
                for ky in 0..<size {
                    let row = (oy * stride + ky) * w + ox * stride
                    for kx in 0..<size where src[row + kx] > best {
                        best = src[row + kx]; at = row + kx
                    }
                }
                out[oy * wo + ox] = best
                argmax?[oy * wo + ox] = Int32(at)
            }
        }
    }

    /// One plane, 2x2 windows at stride 2 (every pooling in the built-in models): the same result as `pool`,
    /// eight windows at a time in SIMD registers (selects, not branches, which mispredict on activations).
    private func pool2x2(_ src: UnsafePointer<Float>, width w: Int, outHeight ho: Int, outWidth wo: Int,
                         into out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?) {
        let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
        for oy in 0..<ho {
            let top = 2 * oy * w
            /// Windows ox..<ox+8 of this row; the last block may overlap the one before (same values again).
            @inline(__always) func eight(_ ox: Int) {
                let upper = Vector.load(src + top + 2 * ox)
                let lower = Vector.load(src + top + w + 2 * ox)
                let a = upper.evenHalf, b = upper.oddHalf, c = lower.evenHalf, d = lower.oddHalf
                let bWins = b .> a, dWins = d .> c
                let ab = a.replacing(with: b, where: bWins), cd = c.replacing(with: d, where: dWins)
                let lowerWins = cd .> ab
                UnsafeMutableRawPointer(out + oy * wo + ox).storeBytes(of: ab.replacing(with: cd, where: lowerWins),
                                                                       as: SIMD8<Float>.self)
                if let argmax {
                    let i = SIMD8<Int32>(repeating: Int32(top + 2 * ox)) &+ lanes
                    let iab = i.replacing(with: i &+ 1, where: bWins)
                    let icd = (i &+ Int32(w)).replacing(with: i &+ Int32(w + 1), where: dWins)
                    UnsafeMutableRawPointer(argmax + oy * wo + ox).storeBytes(of: iab.replacing(with: icd, where: lowerWins),
                                                                              as: SIMD8<Int32>.self)
                }
            }
            var ox = 0
            // A block reads 16 inputs from each row: it must end within the row.
            if wo >= 8 && 2 * wo <= w {
                while ox + 8 <= wo { eight(ox); ox += 8 }
                if ox < wo { eight(wo - 8); ox = wo }
            }
            while ox < wo {
                let i = top + 2 * ox
                let a = src[i], b = src[i + 1], c = src[i + w], d = src[i + w + 1]
                let ab = b > a ? b : a, cd = d > c ? d : c
                out[oy * wo + ox] = cd > ab ? cd : ab
                if let argmax {
                    let iab = b > a ? i + 1 : i, icd = d > c ? i + w + 1 : i + w
                    argmax[oy * wo + ox] = Int32(cd > ab ? icd : iab)
                }
                ox += 1
            }
        }
    }

    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        let h = inputShape[2], w = inputShape[3]
        let planes = inputShape[0] * inputShape[1], planeIn = h * w, planeOut = dy.count / max(planes, 1)
        let threads = planes * planeIn < 1 << 15 ? 1 : min(ctx.threads, planes)
        // 2x2 windows at stride 2 over even sides cover every input once: each window's four gradients are
        // written whole. Otherwise a plane is zeroed and the window gradients added at their winners.
        let tiled = size == 2 && stride == 2 && h % 2 == 0 && w % 2 == 0
        return dy.data.withUnsafeBufferPointer { dyb in
            argmax.withUnsafeBufferPointer { ib in
                Tensor(shape: inputShape) { dxb in
                    let dxp = SharedPointer(dxb.baseAddress!), dyp = dyb.baseAddress!, ip = ib.baseAddress!
                    parallel(threads) { t in
                        for plane in slice(planes, part: t, of: threads) {
                            let dx = dxp.p + plane * planeIn, g = dyp + plane * planeOut, at = ip + plane * planeOut
                            if tiled {
                                unpool2x2(g, argmax: at, width: w, outHeight: h / 2, into: dx)
                            } else {
                                dx.update(repeating: 0, count: planeIn)
                                for o in 0..<planeOut { dx[Int(at[o])] += g[o] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One plane's input gradient [2·outHeight, width] from 2x2 windows at stride 2: each window's gradient
    /// goes to its winner and zeros to the other three, eight windows at a time (the last block of a row may
    /// overlap the one before: the same values again).
    private func unpool2x2(_ g: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, width w: Int, outHeight ho: Int,
                           into dx: UnsafeMutablePointer<Float>) {
        let wo = w / 2, lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14), zero = SIMD8<Float>()
        for oy in 0..<ho {
            let top = 2 * oy * w
            @inline(__always) func eight(_ ox: Int) {
                let d = UnsafeRawPointer(g + oy * wo + ox).loadUnaligned(as: SIMD8<Float>.self)
                let a = UnsafeRawPointer(argmax + oy * wo + ox).loadUnaligned(as: SIMD8<Int32>.self)
                let i = SIMD8<Int32>(repeating: Int32(top + 2 * ox)) &+ lanes
                var upper = SIMD16<Float>(), lower = SIMD16<Float>()
                upper.evenHalf = zero.replacing(with: d, where: a .== i)
                upper.oddHalf = zero.replacing(with: d, where: a .== i &+ 1)
                lower.evenHalf = zero.replacing(with: d, where: a .== i &+ Int32(w))
                lower.oddHalf = zero.replacing(with: d, where: a .== i &+ Int32(w + 1))
                Vector.store(upper, dx + top + 2 * ox)
                Vector.store(lower, dx + top + w + 2 * ox)
            }
            var ox = 0
            if wo >= 8 {
                while ox + 8 <= wo { eight(ox); ox += 8 }
                if ox < wo { eight(wo - 8); ox = wo }
            }
            while ox < wo {
                let i = top + 2 * ox, winner = Int(argmax[oy * wo + ox]), d = g[oy * wo + ox]
                dx[i] = winner == i ? d : 0
                dx[i + 1] = winner == i + 1 ? d : 0
                dx[i + w] = winner == i + w ? d : 0
                dx[i + w + 1] = winner == i + w + 1 ? d : 0
                ox += 1
            }
        }
    }
}

/// Argmax indices that may cross into the closures of `parallel`; every thread writes its own planes.
private struct SharedIndices: @unchecked Sendable {
    let p: UnsafeMutablePointer<Int32>
    init(_ p: UnsafeMutablePointer<Int32>) { self.p = p }
}
