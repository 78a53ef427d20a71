import Foundation

/// Winograd's minimal filtering F(4x4, r x r) (Lavin & Gray 2015) for stride-1 3x3 and 5x5 convolutions between
/// channel counts that are multiples of sixteen: each 4x4 block of outputs comes from an n x n block of input
/// (n = r + 3) through n² multiplications per channel pair instead of 16r² (36 against 144 for 3x3, 64 against
/// 400 for 5x5). The input blocks and the weights are transformed (V = Bᵀ d B, U = G g Gᵀ), the n² positions of
/// a block become n² matrix products V[ξ]·U[ξ] over channels, and each product block is transformed back
/// (Y = Aᵀ M A). Conv2D uses it for its forward pass, its input gradient (the same kind of convolution) and its
/// weight gradient (the chain rule back through the same transforms). The sixteen SIMD lanes run over channels,
/// so every vector is full whatever the plane's size, and a block's values are plain loads from a zero-bordered
/// copy of the input laid out [H, W, 16 channels]. Interpolation points 0, ±1, ±2 (3x3) and also ±1/2 (5x5), and ∞.
struct Winograd {
    let inChannels: Int, outChannels: Int, height: Int, width: Int, kernel: Int, padding: Int

    /// Values per side of an input block, and its square: the number of matrix products.
    var n: Int { kernel + 3 }
    var positions: Int { n * n }
    var outHeight: Int { height + 2 * padding - kernel + 1 }
    var outWidth: Int { width + 2 * padding - kernel + 1 }
    var tilesY: Int { (outHeight + 3) / 4 }
    var tilesX: Int { (outWidth + 3) / 4 }
    var tiles: Int { tilesY * tilesX }
    var itemSize: Int { inChannels * height * width }
    var outSize: Int { outChannels * outHeight * outWidth }
    /// The zero-bordered input plane: every block's n x n values lie inside it.
    var paddedHeight: Int { 4 * tilesY + kernel - 1 }
    var paddedWidth: Int { 4 * tilesX + kernel - 1 }
    /// Floats per channel group of a sample: the padded input plane, sixteen lanes per value.
    var groupStride: Int { 16 * paddedHeight * paddedWidth }
    /// Floats per channel group of an output gradient's plane, padded to whole 4x4 blocks.
    var gradientGroupStride: Int { 16 * 16 * tiles }

    /// Samples per block: transformed input and products of about 1 MB together, so that a block stays in a
    /// core's L2 between the transform and the products (docs/performance.md has the block-size figures).
    func blockSize(_ count: Int) -> Int {
        max(1, min(count, (1 << 18) / max(1, positions * tiles * (inChannels + outChannels))))
    }

    /// G (n x r, row-major) for r = 3 and r = 5, matching the transforms below.
    static func g(_ r: Int) -> [Float] {
        if r == 3 {
            return [1.0 / 4, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
                    1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1]
        }
        let a: Float = -2.0 / 9
        return [-1, 0, 0, 0, 0,
                a, a, a, a, a,
                a, -a, a, -a, a,
                1.0 / 90, 1.0 / 45, 2.0 / 45, 4.0 / 45, 8.0 / 45,
                1.0 / 90, -1.0 / 45, 2.0 / 45, -4.0 / 45, 8.0 / 45,
                32.0 / 45, 16.0 / 45, 8.0 / 45, 4.0 / 45, 2.0 / 45,
                32.0 / 45, -16.0 / 45, 8.0 / 45, -4.0 / 45, 2.0 / 45,
                0, 0, 0, 0, 1]
    }

    /// U = G g Gᵀ for weights g [Cout, Cin, r, r] -> [n², Cin, Cout]. With `adjoint`, g is read as the weights
    /// of the input gradient: channels swapped and kernels turned by 180°, from a layer's [Cin', Cout', r, r].
    static func transformWeights(_ g: UnsafePointer<Float>, kernel r: Int, outChannels: Int, inChannels: Int,
                                 adjoint: Bool) -> [Float] {
        let n = r + 3, taps = r * r, pairs = outChannels * inChannels, gm = Self.g(r)
        var u = [Float](repeating: 0, count: n * n * pairs)
        let k = UnsafeMutablePointer<V16>.allocate(capacity: taps + n * r + n * n)
        defer { k.deallocate() }
        u.withUnsafeMutableBufferPointer { u in
            // Sixteen output channels of one input channel at a time, one per lane.
            for ci in 0..<inChannels {
                for co0 in stride(from: 0, to: outChannels, by: 16) {
                    for l in 0..<16 {
                        let co = co0 + l
                        for i in 0..<taps {
                            k[i][l] = adjoint ? g[(ci * outChannels + co) * taps + taps - 1 - i] : g[(co * inChannels + ci) * taps + i]
                        }
                    }
                    let out = k + taps + n * r
                    Self.sandwich(k, r, r, left: gm, n, right: gm, n, work: k + taps, into: out)
                    for xi in 0..<(n * n) { Vector.store(out[xi], u.baseAddress! + (xi * inChannels + ci) * outChannels + co0) }
                }
            }
        }
        return u
    }

    /// dW [Cout, Cin, r, r] += Gᵀ dU G for dU [n², Cin, Cout] from accumulateGradient.
    static func addWeightGradient(_ du: UnsafePointer<Float>, kernel r: Int, into dw: UnsafeMutablePointer<Float>,
                                  outChannels: Int, inChannels: Int) {
        let n = r + 3, taps = r * r, gm = Self.g(r)
        var gt = [Float](repeating: 0, count: r * n)  // Gᵀ
        for y in 0..<n { for x in 0..<r { gt[x * n + y] = gm[y * r + x] } }
        let x = UnsafeMutablePointer<V16>.allocate(capacity: n * n + r * n + taps)
        defer { x.deallocate() }
        for ci in 0..<inChannels {
            for co0 in stride(from: 0, to: outChannels, by: 16) {
                for xi in 0..<(n * n) { x[xi] = Vector.load(du + (xi * inChannels + ci) * outChannels + co0) }
                let out = x + n * n + r * n
                Self.sandwich(x, n, n, left: gt, r, right: gt, r, work: x + n * n, into: out)
                for l in 0..<16 {
                    let w = dw + ((co0 + l) * inChannels + ci) * taps
                    for i in 0..<taps { w[i] += out[i][l] }
                }
            }
        }
    }

    /// Working memory for blocks of up to `capacity` samples: the padded input planes (and, for the weight
    /// gradient, the output gradient's), V, M or dM, and room to turn a plane's channels over. Zeroed once: only
    /// data is ever written inside the planes, so their borders stay zero.
    struct Scratch {
        let base: UnsafeMutablePointer<Float>
        let capacity: Int

        init(_ geometry: Winograd, capacity: Int, gradient: Bool) {
            let g = geometry
            let planes = capacity * (g.inChannels / 16 * g.groupStride + (gradient ? g.outChannels / 16 * g.gradientGroupStride : 0))
            let size = planes + g.positions * (g.inChannels + g.outChannels) * capacity * g.tiles
                + 2 * 16 * max(g.height * g.width, 16 * g.tiles) + 16 * (g.positions + 16) + 64
            base = UnsafeMutableRawPointer.allocate(byteCount: 4 * size, alignment: 64)
                .bindMemory(to: Float.self, capacity: size)
            base.initialize(repeating: 0, count: planes)
            self.capacity = capacity
        }
    }

    /// Splits `count` samples over threads and each thread's share into blocks of `blockSize`; `body(thread,
    /// first sample, samples, scratch)` runs once per block with that thread's scratch.
    func forEachBlock(count: Int, threads: Int, gradient: Bool, _ body: (Int, Int, Int, Scratch) -> Void) {
        let threads = max(1, min(threads, count))
        parallel(threads) { t in
            let range = slice(count, part: t, of: threads), nb = blockSize(range.count)
            let scratch = Scratch(self, capacity: nb, gradient: gradient)
            defer { scratch.base.deallocate() }
            var n0 = range.lowerBound
            while n0 < range.upperBound {
                let nc = min(nb, range.upperBound - n0)
                body(t, n0, nc, scratch)
                n0 += nc
            }
        }
    }

    // x: [count, Cin, H, W] -> y: [count, Cout, Ho, Wo] (+ bias per output channel, if any). u from
    // transformWeights.
    func run(_ x: UnsafePointer<Float>, count: Int, u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
             into y: SharedPointer, threads: Int) {
        forEachBlock(count: count, threads: threads, gradient: false) { _, n0, nc, scratch in
            convolve(x + n0 * itemSize, count: nc, u: u, bias: bias, into: y.p + n0 * outSize, scratch: scratch)
        }
    }

    /// Where a scratch's parts start: the padded input planes, the output gradient's (weight gradient only), V,
    /// M or dM, room to turn a plane's channels over, and the transforms' work vectors.
    private struct Parts { let planes, dyPlanes, v, m, turn, work: UnsafeMutablePointer<Float> }

    private func parts(_ s: Scratch, gradient: Bool) -> Parts {
        let planes = s.base, dyPlanes = planes + s.capacity * inChannels / 16 * groupStride
        let v = dyPlanes + (gradient ? s.capacity * outChannels / 16 * gradientGroupStride : 0)
        let m = v + positions * inChannels * s.capacity * tiles
        let turn = m + positions * outChannels * s.capacity * tiles
        let work = turn + 2 * 16 * max(height * width, 16 * tiles)
        return Parts(planes: planes, dyPlanes: dyPlanes, v: v, m: m, turn: turn, work: work)
    }

    // The input planes of `count` samples -> V [count·tiles, n², Cin], through the padded planes.
    private func transformInputs(_ x: UnsafePointer<Float>, count: Int, planes: UnsafeMutablePointer<Float>,
                                 into v: UnsafeMutablePointer<Float>, turn: UnsafeMutablePointer<Float>,
                                 work: UnsafeMutablePointer<Float>) {
        let groups = inChannels / 16, hw = height * width, pw = paddedWidth
        for i in 0..<count {
            for g in 0..<groups {
                let plane = planes + (i * groups + g) * groupStride
                Self.interleave(x + (i * inChannels + g * 16) * hw, height: height, width: width,
                                into: plane + 16 * (padding * pw + padding), planeWidth: pw, turn: turn)
                for ty in 0..<tilesY {
                    for tx in 0..<tilesX {
                        transformInput(plane + 16 * (4 * ty * pw + 4 * tx),
                                       into: v + ((i * tilesY + ty) * tilesX + tx) * positions * inChannels + 16 * g, work: work)
                    }
                }
            }
        }
    }

    /// Sixteen channel planes [16, H, W] -> rows of H·W vectors of sixteen channels, each row written `planeWidth`
    /// vectors after the one before from `plane` (a zero-bordered plane's first inner value); `turn` holds
    /// [H·W, 16] in between.
    private static func interleave(_ x: UnsafePointer<Float>, height: Int, width: Int, into plane: UnsafeMutablePointer<Float>,
                                   planeWidth: Int, turn: UnsafeMutablePointer<Float>) {
        let hw = height * width
        Vector.transpose(x, rows: 16, cols: hw, ldx: hw, into: turn, ldo: 16)
        for row in 0..<height { (plane + 16 * row * planeWidth).update(from: turn + 16 * row * width, count: 16 * width) }
    }

    // x: [count, Cin, H, W] -> y: [count, Cout, Ho, Wo] for one block of count ≤ scratch.capacity samples.
    func convolve(_ x: UnsafePointer<Float>, count: Int, u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                  into y: UnsafeMutablePointer<Float>, scratch: Scratch) {
        let cin = inChannels, cout = outChannels, t = count * tiles, s = parts(scratch, gradient: false)
        transformInputs(x, count: count, planes: s.planes, into: s.v, turn: s.turn, work: s.work)
        // M[ξ] = V[ξ] · U[ξ]: [blocks, Cin] x [Cin, Cout].
        for xi in 0..<positions {
            gemm(m: t, n: cout, k: cin, a: s.v + xi * cin, lda: positions * cin, b: u + xi * cin * cout, ldb: cout,
                 c: s.m + xi * cout, ldc: positions * cout)
        }
        let groups = cout / 16, ho = outHeight, wo = outWidth, wide = 4 * tilesX, area = 16 * tiles
        for i in 0..<count {
            for g in 0..<groups {
                let b = bias.map { Vector.load($0 + 16 * g) } ?? V16()
                for ty in 0..<tilesY {
                    for tx in 0..<tilesX {
                        transformOutput(s.m + ((i * tilesY + ty) * tilesX + tx) * positions * cout + 16 * g, bias: b,
                                        into: s.turn + 16 * (4 * ty * wide + 4 * tx), rowStride: 16 * wide, work: s.work)
                    }
                }
                // [4·tilesY · 4·tilesX, 16] -> sixteen channel planes, cropped to Ho x Wo.
                let out = y + (i * cout + 16 * g) * ho * wo
                if wide == wo && 4 * tilesY == ho {
                    Vector.transpose(s.turn, rows: area, cols: 16, ldx: 16, into: out, ldo: ho * wo)
                } else {
                    let planes = s.turn + 16 * area
                    Vector.transpose(s.turn, rows: area, cols: 16, ldx: 16, into: planes, ldo: area)
                    for c in 0..<16 {
                        for row in 0..<ho {
                            Vector.copy(planes + c * area + row * wide, into: out + (c * ho + row) * wo, wo)
                        }
                    }
                }
            }
        }
    }

    // Weight gradient of one block: x [count, Cin, H, W], dy [count, Cout, Ho, Wo] -> dU [n², Cin, Cout] +=
    // V[ξ]ᵀ · (A dy Aᵀ)[ξ] summed over blocks, the gradient with respect to the transformed weights (turn it
    // into dW with addWeightGradient); db [Cout] += Σ dy if given. Scratch made with `gradient: true`.
    func accumulateGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, count: Int,
                            into du: UnsafeMutablePointer<Float>, bias db: UnsafeMutablePointer<Float>?,
                            scratch: Scratch) {
        let cin = inChannels, cout = outChannels, t = count * tiles, s = parts(scratch, gradient: true)
        let ho = outHeight, wo = outWidth, wide = 4 * tilesX, groups = cout / 16
        transformInputs(x, count: count, planes: s.planes, into: s.v, turn: s.turn, work: s.work)
        for i in 0..<count {
            for g in 0..<groups {
                let source = dy + (i * cout + 16 * g) * ho * wo
                if let db { for c in 0..<16 { db[16 * g + c] += Vector.sum(source + c * ho * wo, ho * wo) } }
                let plane = s.dyPlanes + (i * groups + g) * gradientGroupStride
                Self.interleave(source, height: ho, width: wo, into: plane, planeWidth: wide, turn: s.turn)
                for ty in 0..<tilesY {
                    for tx in 0..<tilesX {
                        transformGradient(plane + 16 * (4 * ty * wide + 4 * tx), rowStride: 16 * wide,
                                          into: s.m + ((i * tilesY + ty) * tilesX + tx) * positions * cout + 16 * g, work: s.work)
                    }
                }
            }
        }
        // dU[ξ] += V[ξ]ᵀ · dM[ξ]: [Cin, blocks] x [blocks, Cout].
        for xi in 0..<positions {
            gemm(transA: true, m: cin, n: cout, k: t, a: s.v + xi * cin, lda: positions * cin, b: s.m + xi * cout,
                 ldb: positions * cout, beta: 1, c: du + xi * cin * cout, ldc: cout)
        }
    }

    private typealias V16 = SIMD16<Float>

    /// out = L·X·Rᵀ for sixteen matrices X at once, one per lane: X is a x b, L is c x a, R is d x b (row-major
    /// scalars), out is c x d; `work` holds L·X (c x b).
    @inline(__always)
    private static func sandwich(_ x: UnsafePointer<V16>, _ a: Int, _ b: Int, left l: [Float], _ c: Int,
                                 right rt: [Float], _ d: Int, work: UnsafeMutablePointer<V16>,
                                 into out: UnsafeMutablePointer<V16>) {
        for i in 0..<c {
            for j in 0..<b {
                var s = V16()
                for t in 0..<a { s += l[i * a + t] * x[t * b + j] }
                work[i * b + j] = s
            }
        }
        for i in 0..<c {
            for j in 0..<d {
                var s = V16()
                for t in 0..<b { s += work[i * b + t] * rt[j * b + t] }
                out[i * d + j] = s
            }
        }
    }

    // The 1-D transforms of n values (n = 6 or 8), read through `x` and written through `out`.
    /// Bᵀ x: row j holds the coefficients of Π (t − p) over the points p other than the j-th; the last, of the
    /// product over all of them.
    @inline(__always)
    private static func bt(_ n: Int, _ x: (Int) -> V16, _ out: (Int, V16) -> Void) {
        if n == 6 {
            let x0 = x(0), x1 = x(1), x2 = x(2), x3 = x(3), x4 = x(4), x5 = x(5)
            out(0, 4 * x0 - 5 * x2 + x4)
            let e1 = x4 - 4 * x2, o1 = x3 - 4 * x1
            out(1, e1 + o1); out(2, e1 - o1)
            let e2 = x4 - x2, o2 = 2 * (x3 - x1)
            out(3, e2 + o2); out(4, e2 - o2)
            out(5, 4 * x1 - 5 * x3 + x5)
        } else {
            let x0 = x(0), x1 = x(1), x2 = x(2), x3 = x(3), x4 = x(4), x5 = x(5), x6 = x(6), x7 = x(7)
            out(0, x6 - x0 + 5.25 * (x2 - x4))
            let e1 = x2 + x6 - 4.25 * x4, o1 = x1 + x5 - 4.25 * x3
            out(1, e1 + o1); out(2, e1 - o1)
            let e2 = 0.25 * x2 - 1.25 * x4 + x6, o2 = 0.5 * x1 - 2.5 * x3 + 2 * x5
            out(3, e2 + o2); out(4, e2 - o2)
            let e3 = 4 * x2 - 5 * x4 + x6, o3 = 2 * x1 - 2.5 * x3 + 0.5 * x5
            out(5, e3 + o3); out(6, e3 - o3)
            out(7, x7 - x1 + 5.25 * (x3 - x5))
        }
    }

    /// Aᵀ x: four values, the product's polynomial at the points (the i-th power of each) and its top coefficient.
    @inline(__always)
    private static func at(_ n: Int, _ x: (Int) -> V16) -> (V16, V16, V16, V16) {
        let s1 = x(1) + x(2), d1 = x(1) - x(2), s2 = x(3) + x(4), d2 = x(3) - x(4)
        if n == 6 {
            return (x(0) + s1 + s2, d1 + 2 * d2, s1 + 4 * s2, d1 + 8 * d2 + x(5))
        }
        let s3 = x(5) + x(6), d3 = x(5) - x(6)
        return (x(0) + s1 + s2 + s3, d1 + 2 * d2 + 0.5 * d3, s1 + 4 * s2 + 0.25 * s3, d1 + 8 * d2 + 0.125 * d3 + x(7))
    }

    /// A e for four values: e's polynomial at each point, and its top coefficient.
    @inline(__always)
    private static func a(_ n: Int, _ e0: V16, _ e1: V16, _ e2: V16, _ e3: V16, _ out: (Int, V16) -> Void) {
        out(0, e0)
        let ev1 = e0 + e2, od1 = e1 + e3
        out(1, ev1 + od1); out(2, ev1 - od1)
        let ev2 = e0 + 4 * e2, od2 = 2 * e1 + 8 * e3
        out(3, ev2 + od2); out(4, ev2 - od2)
        if n == 8 {
            let ev3 = e0 + 0.25 * e2, od3 = 0.5 * e1 + 0.125 * e3
            out(5, ev3 + od3); out(6, ev3 - od3)
        }
        out(n - 1, e3)
    }

    // One block's n x n values of sixteen channels, rows `16·paddedWidth` apart -> V[ξ] = (Bᵀ d B)[ξ] at
    // v + ξ·Cin. `work` holds n² vectors between the two passes.
    @inline(__always)
    private func transformInput(_ d: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>) {
        let n = self.n, row = 16 * paddedWidth, cin = inChannels
        for b in 0..<n {
            Self.bt(n, { Vector.load(d + $0 * row + 16 * b) }, { Vector.store($1, work + 16 * ($0 * n + b)) })
        }
        for a in 0..<n {
            Self.bt(n, { Vector.load(work + 16 * (a * n + $0)) }, { Vector.store($1, v + (a * n + $0) * cin) })
        }
    }

    // M[ξ] of one block and sixteen output channels at m + ξ·Cout -> the block's 4x4 outputs Aᵀ M A + bias, rows
    // `rowStride` apart, sixteen channels per value.
    @inline(__always)
    private func transformOutput(_ m: UnsafePointer<Float>, bias: V16, into y: UnsafeMutablePointer<Float>, rowStride: Int,
                                 work: UnsafeMutablePointer<Float>) {
        let n = self.n, cout = outChannels
        for b in 0..<n {
            let c = Self.at(n) { Vector.load(m + ($0 * n + b) * cout) }
            Vector.store(c.0, work + 16 * b); Vector.store(c.1, work + 16 * (n + b))
            Vector.store(c.2, work + 16 * (2 * n + b)); Vector.store(c.3, work + 16 * (3 * n + b))
        }
        for a in 0..<4 {
            let r = Self.at(n) { Vector.load(work + 16 * (a * n + $0)) }
            let p = y + a * rowStride
            Vector.store(r.0 + bias, p); Vector.store(r.1 + bias, p + 16)
            Vector.store(r.2 + bias, p + 32); Vector.store(r.3 + bias, p + 48)
        }
    }

    // One block's 4x4 output gradient e of sixteen channels, rows `rowStride` apart -> dM[ξ] = (A e Aᵀ)[ξ] at
    // dm + ξ·Cout.
    @inline(__always)
    private func transformGradient(_ e: UnsafePointer<Float>, rowStride: Int, into dm: UnsafeMutablePointer<Float>,
                                   work: UnsafeMutablePointer<Float>) {
        let n = self.n, cout = outChannels
        for c in 0..<4 {
            Self.a(n, Vector.load(e + 16 * c), Vector.load(e + rowStride + 16 * c), Vector.load(e + 2 * rowStride + 16 * c),
                   Vector.load(e + 3 * rowStride + 16 * c)) { Vector.store($1, work + 16 * ($0 * 4 + c)) }
        }
        for a in 0..<n {
            let w = work + 16 * 4 * a
            Self.a(n, Vector.load(w), Vector.load(w + 16), Vector.load(w + 32), Vector.load(w + 48)) {
                Vector.store($1, dm + (a * n + $0) * cout)
            }
        }
    }
}

/// The transformed weights of one Conv2D, kept between calls while the weights stay the same (inference runs
/// many batches through unchanged weights; training changes them every step). Shared by copies of the layer,
/// which `Network.probabilities` makes for every call, so it is a locked reference.
final class WinogradWeights: @unchecked Sendable {
    private let lock = NSLock()
    /// By use: the forward pass, the input gradient (adjoint), a stride-2 layer read through phases.
    private enum Use { case forward, adjoint, phases }
    private var entries: [Use: (source: [Float], u: [Float])] = [:]

    /// transformWeights(weights, adjoint:) for the layer's weights [Cout, Cin, r, r], from the last call's result
    /// when `weights` are the same values (the same array buffer is recognised without reading it).
    func transformed(_ weights: [Float], kernel: Int, outChannels: Int, inChannels: Int, adjoint: Bool) -> [Float] {
        cached(adjoint ? .adjoint : .forward, weights) {
            $0.withUnsafeBufferPointer {
                adjoint
                    ? Winograd.transformWeights($0.baseAddress!, kernel: kernel, outChannels: inChannels, inChannels: outChannels, adjoint: true)
                    : Winograd.transformWeights($0.baseAddress!, kernel: kernel, outChannels: outChannels, inChannels: inChannels, adjoint: false)
            }
        }
    }

    /// The transformed weights of a stride-2 5x5 layer's weights [Cout, Cin, 5, 5] read as a 3x3 layer over the
    /// input's phases (`split` rearranges them), cached as `transformed` is.
    func transformedPhases(_ weights: [Float], outChannels: Int, inChannels: Int, split: ([Float]) -> [Float]) -> [Float] {
        cached(.phases, weights) { w in
            split(w).withUnsafeBufferPointer {
                Winograd.transformWeights($0.baseAddress!, kernel: 3, outChannels: outChannels, inChannels: 4 * inChannels, adjoint: false)
            }
        }
    }

    private func cached(_ use: Use, _ weights: [Float], _ make: ([Float]) -> [Float]) -> [Float] {
        lock.lock()
        if let entry = entries[use], entry.source == weights { lock.unlock(); return entry.u }
        lock.unlock()
        let u = make(weights)
        lock.lock()
        entries[use] = (weights, u)
        lock.unlock()
        return u
    }
}
