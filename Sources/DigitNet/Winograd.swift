import Foundation

/// Winograd's minimal filtering F(2x2, r x r) for stride-1 3x3 and 5x5 convolutions (Lavin & Gray 2015): each
/// 2x2 block of outputs comes from an n x n block of input (n = r + 1) through n² multiplications per channel
/// pair instead of 4r² (16 against 36 for 3x3, 36 against 100 for 5x5). The input blocks and the weights are
/// transformed (V = Bᵀ d B, U = G g Gᵀ), the n² positions of a block become n² matrix products U[ξ]·V[ξ] over
/// channels, and each product block is transformed back (Y = Aᵀ M A). Conv2D uses it for its forward pass, its
/// input gradient (the same kind of convolution) and its weight gradient (the chain rule back through the same
/// transforms). The 5x5 matrices come from interpolation at 0, ±1, ±2 and ∞.
struct Winograd {
    let inChannels: Int, outChannels: Int, height: Int, width: Int, kernel: Int, padding: Int

    init(inChannels: Int, outChannels: Int, height: Int, width: Int, kernel: Int, padding: Int) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.height = height; self.width = width; self.kernel = kernel; self.padding = padding
        var shared = min(padding / 2, halo)
        while shared > 0 && 2 * (tilesX + halo - shared) < padding + width { shared -= 1 }
        blocksPerRow = tilesX + halo - shared
        let blocks = tilesY * blocksPerRow, padded = (blocks + 15) / 16 * 16
        blocksPerItem = (padded - blocks) * 16 <= blocks ? padded : blocks
        phaseSize = (max((tilesY + halo) * blocksPerRow, blocksPerItem + halo * blocksPerRow + halo) + 15) / 16 * 16
    }

    /// Values per side of an input block, and its square: the number of matrix products.
    var n: Int { kernel + 1 }
    var positions: Int { n * n }
    var outHeight: Int { height + 2 * padding - kernel + 1 }
    var outWidth: Int { width + 2 * padding - kernel + 1 }
    var tilesY: Int { (outHeight + 1) / 2 }
    var tilesX: Int { (outWidth + 1) / 2 }
    var itemSize: Int { inChannels * height * width }
    /// Phase-plane values a block reaches beyond its own corner, down and across.
    var halo: Int { kernel / 2 }
    /// Blocks per row as the transforms lay them out: tilesX and up to `halo` spares whose values are never
    /// used, so that all the blocks of a plane form one evenly strided run. Phase-plane rows are as long: where a
    /// row's last columns lie wholly in the right zero border, they are left out and a block reaching past the
    /// row's end reads the next row's first columns instead, zeros of the left border too (lenet: 8 instead of 9).
    private(set) var blocksPerRow = 0
    /// Blocks per plane: tilesY rows, and spares up to a multiple of sixteen when that adds at most 1/16, so
    /// that the transforms store whole aligned vectors (lenet +8 %, m3 +3 %, alternating runs).
    private(set) var blocksPerItem = 0
    /// The zero-bordered input plane split by row and column parity into four phase planes of
    /// (tilesY + halo) x blocksPerRow (or more, for the spare blocks' reads; a multiple of sixteen): value (a, b)
    /// of every block then sits at one offset from the block's index.
    private(set) var phaseSize = 0
    /// Floats per input plane in scratch: four phase planes and room for the spare blocks' reads past the end
    /// (a multiple of sixteen, as scratch is 64-byte aligned).
    var planeStride: Int { 4 * phaseSize + 32 }

    /// Samples per block: transformed input and products of about 2 MB together.
    func blockSize(_ count: Int) -> Int {
        max(1, min(count, (1 << 19) / max(1, positions * (inChannels + outChannels) * blocksPerItem)))
    }

    /// G for r = 3 (4x3) and r = 5 (6x5), row-major.
    private static func g(_ r: Int) -> [Float] {
        r == 3 ? [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1]
            : [1.0 / 4, 0, 0, 0, 0,
               1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6,
               1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6,
               1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3,
               1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3,
               0, 0, 0, 0, 1]
    }

    /// U = G g Gᵀ for weights g [Cout, Cin, r, r] -> [n², Cout, Cin]. With `adjoint`, g is read as the weights
    /// of the input gradient: channels swapped and kernels turned by 180°, from a layer's [Cin', Cout', r, r].
    static func transformWeights(_ g: UnsafePointer<Float>, kernel r: Int, outChannels: Int, inChannels: Int,
                                 adjoint: Bool) -> [Float] {
        let n = r + 1, taps = r * r, pairs = outChannels * inChannels, gm = Self.g(r)
        var u = [Float](repeating: 0, count: n * n * pairs)
        // Sixteen channel pairs at a time, one per lane: their kernels, G·k and U.
        let k = UnsafeMutablePointer<V16>.allocate(capacity: taps + n * r + n * n)
        k.initialize(repeating: V16(), count: taps)
        defer { k.deallocate() }
        u.withUnsafeMutableBufferPointer { u in
            for p0 in stride(from: 0, to: pairs, by: 16) {
                let lanes = min(16, pairs - p0)
                for l in 0..<lanes {
                    let pair = p0 + l, co = pair / inChannels, ci = pair % inChannels
                    for i in 0..<taps {
                        k[i][l] = adjoint ? g[(ci * outChannels + co) * taps + taps - 1 - i] : g[pair * taps + i]
                    }
                }
                let out = k + taps + n * r
                Self.sandwich(k, r, r, left: gm, n, right: gm, n, work: k + taps, into: out)
                for xi in 0..<(n * n) { Self.store(out[xi], u.baseAddress! + xi * pairs + p0, lanes: lanes) }
            }
        }
        return u
    }

    /// dW [Cout, Cin, r, r] += Gᵀ dU G for dU [n², Cout, Cin] from accumulateGradient.
    static func addWeightGradient(_ du: UnsafePointer<Float>, kernel r: Int, into dw: UnsafeMutablePointer<Float>,
                                  outChannels: Int, inChannels: Int) {
        let n = r + 1, taps = r * r, pairs = outChannels * inChannels, gm = Self.g(r)
        var gt = [Float](repeating: 0, count: r * n)  // Gᵀ
        for y in 0..<n { for x in 0..<r { gt[x * n + y] = gm[y * r + x] } }
        // Sixteen channel pairs at a time, one per lane: their dU, Gᵀ·dU and dW.
        let x = UnsafeMutablePointer<V16>.allocate(capacity: n * n + r * n + taps)
        defer { x.deallocate() }
        for p0 in stride(from: 0, to: pairs, by: 16) {
            let lanes = min(16, pairs - p0)
            for xi in 0..<(n * n) {
                let p = du + xi * pairs + p0
                if lanes == 16 { x[xi] = Vector.load(p) } else { x[xi] = V16(); for l in 0..<lanes { x[xi][l] = p[l] } }
            }
            let out = x + n * n + r * n
            Self.sandwich(x, n, n, left: gt, r, right: gt, r, work: x + n * n, into: out)
            for l in 0..<lanes {
                let w = dw + (p0 + l) * taps
                for i in 0..<taps { w[i] += out[i][l] }
            }
        }
    }

    /// out = L·X·Rᵀ for sixteen matrices X at once, one per lane: X is a x b, L is c x a, R is d x b (row-major
    /// scalars), out is c x d; `work` holds L·X (c x b).
    @inline(__always)
    static func sandwich(_ x: UnsafePointer<V16>, _ a: Int, _ b: Int, left l: [Float], _ c: Int,
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

    /// Working memory for blocks of up to `capacity` samples, laid out by the capacity alone (phase planes
    /// first, then V, M or dM, the transforms' spare room and a turned-over V[ξ]), so that a smaller last block
    /// finds the phase planes' zero borders where they were. Zeroed once: only data is ever written inside the
    /// planes.
    struct Scratch {
        let base: UnsafeMutablePointer<Float>
        let capacity: Int

        init(_ geometry: Winograd, capacity: Int, gradient: Bool) {
            let g = geometry, planes = capacity * (g.inChannels + (gradient ? g.outChannels : 0)) * g.planeStride
            let size = planes + g.positions * (g.inChannels + g.outChannels) * capacity * g.blocksPerItem
                + 4 * g.blocksPerItem + 16 * g.positions + 64
                + (gradient ? g.inChannels * capacity * g.blocksPerItem : 0)  // one position's V, turned over
            base = UnsafeMutableRawPointer.allocate(byteCount: 4 * size, alignment: 64).bindMemory(to: Float.self, capacity: size)
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
        let outSize = outChannels * outHeight * outWidth
        forEachBlock(count: count, threads: threads, gradient: false) { _, n0, nc, scratch in
            convolve(x + n0 * itemSize, count: nc, u: u, bias: bias, into: y.p + n0 * outSize, scratch: scratch)
        }
    }

    /// Where V, M or dM (`channels` runs of t blocks for each of the n² positions) put position ξ of channel c:
    /// at ξ·position + c·channel. With the positions inside each channel ([C, n², t]) a plane's transforms write
    /// within a few pages instead of n² runs a channel block apart, which pays where the products are small
    /// enough for OpenBLAS's small-matrix kernels, which read their operands in place (lenet's Winograd layer 7 %
    /// faster); larger products go through OpenBLAS's packing, which reads short row strides faster, so there the
    /// positions stay outside ([n², C, t]; with them inside, m3 measured 3–7 % slower in noisy alternating runs).
    func layout(channels: Int, t: Int) -> (position: Int, channel: Int) {
        inChannels * outChannels * t <= smallProductLimit ? (t, positions * t) : (channels * t, t)
    }

    // The input planes of `count` samples -> V (laid out by `layout`), through phase planes at `phases`.
    private func transformInputs(_ x: UnsafePointer<Float>, count: Int, phases: UnsafeMutablePointer<Float>,
                                 into v: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>) {
        let cin = inChannels, blocks = blocksPerItem, t = count * blocks, runs = layout(channels: cin, t: t)
        for plane in 0..<(count * cin) {
            let p = phases + plane * planeStride
            splitPhases(x + plane * height * width, height: height, width: width, padding: padding, into: p)
            transformInput(p, into: v + plane % cin * runs.channel + plane / cin * blocks, stride: runs.position, work: work)
        }
    }

    // x: [count, Cin, H, W] -> y: [count, Cout, Ho, Wo] for one block of count ≤ scratch.capacity samples.
    func convolve(_ x: UnsafePointer<Float>, count: Int, u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                  into y: UnsafeMutablePointer<Float>, scratch: Scratch) {
        let cin = inChannels, cout = outChannels, blocks = blocksPerItem, t = count * blocks
        let planes = scratch.base, v = planes + scratch.capacity * cin * planeStride, m = v + positions * cin * t
        let z = m + positions * cout * t, work = z + 4 * blocks + 32
        let vr = layout(channels: cin, t: t), mr = layout(channels: cout, t: t)
        transformInputs(x, count: count, phases: planes, into: v, work: work)
        // M[ξ] = U[ξ] · V[ξ]: [Cout, Cin] x [Cin, blocks].
        for xi in 0..<positions {
            gemm(m: cout, n: t, k: cin, a: u + xi * cout * cin, lda: cin, b: v + xi * vr.position, ldb: vr.channel,
                 c: m + xi * mr.position, ldc: mr.channel)
        }
        for plane in 0..<(count * cout) {
            let i = plane / cout, co = plane % cout
            transformOutput(m + co * mr.channel + i * blocks, stride: mr.position, bias: bias?[co] ?? 0, scratch: z,
                            into: y + plane * outHeight * outWidth)
        }
    }

    // Weight gradient of one block: x [count, Cin, H, W], dy [count, Cout, Ho, Wo] -> dU [n², Cout, Cin] +=
    // (A dy Aᵀ)[ξ] · V[ξ]ᵀ summed over blocks, the gradient with respect to the transformed weights (turn it
    // into dW with addWeightGradient); db [Cout] += Σ dy if given. Scratch made with `gradient: true`.
    func accumulateGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, count: Int,
                            into du: UnsafeMutablePointer<Float>, bias db: UnsafeMutablePointer<Float>?,
                            scratch: Scratch) {
        let cin = inChannels, cout = outChannels, blocks = blocksPerItem, t = count * blocks
        let ho = outHeight, wo = outWidth
        let xPhases = scratch.base, dyPhases = xPhases + scratch.capacity * cin * planeStride
        let v = dyPhases + scratch.capacity * cout * planeStride, dm = v + positions * cin * t
        let work = dm + positions * cout * t + 4 * blocks + 32
        let vr = layout(channels: cin, t: t), dr = layout(channels: cout, t: t)
        transformInputs(x, count: count, phases: xPhases, into: v, work: work)
        for plane in 0..<(count * cout) {
            let phases = dyPhases + plane * planeStride, source = dy + plane * ho * wo
            if let db { db[plane % cout] += Vector.sum(source, ho * wo) }
            splitPhases(source, height: ho, width: wo, padding: 0, into: phases)
            transformGradient(phases, into: dm + plane % cout * dr.channel + plane / cout * blocks, stride: dr.position)
        }
        // dU[ξ] += dM[ξ] · V[ξ]ᵀ: [Cout, blocks] x [blocks, Cin], V[ξ] turned over first: OpenBLAS runs the
        // product without transposes up to twice as fast (its small-matrix kernels take it).
        let vt = work + 16 * positions + 32
        for xi in 0..<positions {
            Vector.transpose(v + xi * vr.position, rows: cin, cols: t, ldx: vr.channel, into: vt, ldo: cin)
            gemm(m: cout, n: cin, k: t, a: dm + xi * dr.position, lda: dr.channel, b: vt, ldb: cin, beta: 1,
                 c: du + xi * cout * cin, ldc: cin)
        }
    }

    // One plane [H, W] -> its four phase planes, padded position (py, px) going to phase (py & 1, px & 1) at
    // (py >> 1, px >> 1). Rows go sixteen (or, narrower than that, eight) values at a time, split into their
    // even and odd halves; the last group of a row may overlap the one before.
    private func splitPhases(_ x: UnsafePointer<Float>, height: Int, width: Int, padding: Int,
                             into phases: UnsafeMutablePointer<Float>) {
        let cols = blocksPerRow
        for row in 0..<height {
            let py = row + padding, source = x + row * width
            let even = phases + (py & 1) * 2 * phaseSize + (py >> 1) * cols, odd = even + phaseSize
            // Source columns c, c + 2, ... land at (c + padding) >> 1 in the phase of c + padding's parity.
            // Where the even and odd lanes of a group starting at source column c go, and whether lane 0 is even.
            @inline(__always) func targets(_ c: Int) -> (even: Int, odd: Int, evenFirst: Bool) {
                let first = (c + padding) >> 1, second = (c + 1 + padding) >> 1
                return (c + padding) & 1 == 0 ? (first, second, true) : (second, first, false)
            }
            @inline(__always) func split(at c: Int) {
                let v = Vector.load(source + c), t = targets(c)
                UnsafeMutableRawPointer(even + t.even).storeBytes(of: t.evenFirst ? v.evenHalf : v.oddHalf, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(odd + t.odd).storeBytes(of: t.evenFirst ? v.oddHalf : v.evenHalf, as: SIMD8<Float>.self)
            }
            @inline(__always) func split8(at c: Int) {
                let v = UnsafeRawPointer(source + c).loadUnaligned(as: SIMD8<Float>.self), t = targets(c)
                UnsafeMutableRawPointer(even + t.even).storeBytes(of: t.evenFirst ? v.evenHalf : v.oddHalf, as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(odd + t.odd).storeBytes(of: t.evenFirst ? v.oddHalf : v.evenHalf, as: SIMD4<Float>.self)
            }
            if width >= 16 {
                var c = 0
                while c + 16 <= width { split(at: c); c += 16 }
                if c < width { split(at: width - 16) }
            } else if width >= 8 {
                split8(at: 0)
                if width > 8 { split8(at: width - 8) }
            } else {
                for c in 0..<width { ((c + padding) & 1 == 0 ? even : odd)[(c + padding) >> 1] = source[c] }
            }
        }
    }

    typealias V16 = SIMD16<Float>
    private typealias V4x = (V16, V16, V16, V16)
    private typealias V6x = (V16, V16, V16, V16, V16, V16)

    // The 1-D transforms on vectors of sixteen blocks, for r = 3 (n = 4) and r = 5 (n = 6).
    /// Bᵀ x, Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
    @inline(__always) private static func bt(_ x0: V16, _ x1: V16, _ x2: V16, _ x3: V16) -> V4x {
        (x0 - x2, x1 + x2, x2 - x1, x1 - x3)
    }
    /// Bᵀ x, Bᵀ = [4 0 −5 0 1 0; 0 4 4 −1 −1 0; 0 −4 4 1 −1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1].
    @inline(__always) private static func bt(_ x0: V16, _ x1: V16, _ x2: V16, _ x3: V16, _ x4: V16, _ x5: V16) -> V6x {
        let four: Float = 4, five: Float = 5, two: Float = 2
        return (four * x0 - five * x2 + x4, four * (x1 + x2) - (x3 + x4), four * (x2 - x1) + (x3 - x4),
                two * (x3 - x1) + (x4 - x2), two * (x1 - x3) + (x4 - x2), four * x1 - five * x3 + x5)
    }
    /// Aᵀ x, Aᵀ = [1 1 1 0; 0 1 −1 −1].
    @inline(__always) private static func at(_ x0: V16, _ x1: V16, _ x2: V16, _ x3: V16) -> (V16, V16) {
        (x0 + x1 + x2, x1 - x2 - x3)
    }
    /// Aᵀ x, Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1].
    @inline(__always) private static func at(_ x0: V16, _ x1: V16, _ x2: V16, _ x3: V16, _ x4: V16, _ x5: V16) -> (V16, V16) {
        (x0 + x1 + x2 + x3 + x4, x1 - x2 + 2 * (x3 - x4) + x5)
    }
    /// A x for two values, A = [1 0; 1 1; 1 −1; 0 −1].
    @inline(__always) private static func a4(_ x0: V16, _ x1: V16) -> V4x {
        (x0, x0 + x1, x0 - x1, -x1)
    }
    /// A x for two values, A = [1 0; 1 1; 1 −1; 1 2; 1 −2; 0 1].
    @inline(__always) private static func a6(_ x0: V16, _ x1: V16) -> V6x {
        (x0, x0 + x1, x0 - x1, x0 + 2 * x1, x0 - 2 * x1, x1)
    }

    /// Visits the blocks of a plane sixteen at a time (the last chunk overlapping the one before, or short when
    /// the plane has fewer than sixteen); `body(j, lanes)` handles blocks j..<j + lanes.
    @inline(__always)
    private func chunks(_ body: (Int, Int) -> Void) {
        let count = blocksPerItem
        if count < 16 { body(0, count); return }
        var j = 0
        while j + 16 <= count { body(j, 16); j += 16 }
        if j < count { body(count - 16, 16) }
    }

    /// Stores four or six vectors `stride` apart from p (the first `lanes` values of each).
    @inline(__always)
    private static func store(_ x: V4x, _ p: UnsafeMutablePointer<Float>, stride: Int, lanes: Int) {
        store(x.0, p, lanes: lanes); store(x.1, p + stride, lanes: lanes)
        store(x.2, p + 2 * stride, lanes: lanes); store(x.3, p + 3 * stride, lanes: lanes)
    }
    @inline(__always)
    private static func store(_ x: V6x, _ p: UnsafeMutablePointer<Float>, stride: Int, lanes: Int) {
        store((x.0, x.1, x.2, x.3), p, stride: stride, lanes: lanes)
        store(x.4, p + 4 * stride, lanes: lanes); store(x.5, p + 5 * stride, lanes: lanes)
    }

    /// Stores the first `lanes` values of x at p.
    @inline(__always)
    private static func store(_ x: V16, _ p: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == 16 {
            Vector.store(x, p)
        } else {
            for l in 0..<lanes { p[l] = x[l] }
        }
    }

    // Four phase planes -> V[ξ][block] = (Bᵀ d B)[ξ] for every block of the plane, ξ's runs `stride` apart.
    // Block values past the plane (spares, short chunks) are read from scratch and never used. `work` holds
    // 36 vectors between the two passes of the 6x6 transform.
    @inline(never)  // one call per plane; inlined, it grows its callers past where the compiler inlines SIMD loads and stores
    private func transformInput(_ phases: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int,
                                work: UnsafeMutablePointer<Float>) {
        let cols = blocksPerRow, size = phaseSize
        // d[a][b] of block j starts in phase plane (a & 1, b & 1) at row a >> 1, column b >> 1.
        @inline(__always) func d(_ a: Int, _ b: Int, _ j: Int) -> V16 {
            Vector.load(phases + (((a & 1) * 2 + (b & 1)) * size + (a >> 1) * cols + (b >> 1) + j))
        }
        if kernel == 3 {
            chunks { j, lanes in
                // Bᵀ d, column by column; then each row times B.
                let c0 = Self.bt(d(0, 0, j), d(1, 0, j), d(2, 0, j), d(3, 0, j))
                let c1 = Self.bt(d(0, 1, j), d(1, 1, j), d(2, 1, j), d(3, 1, j))
                let c2 = Self.bt(d(0, 2, j), d(1, 2, j), d(2, 2, j), d(3, 2, j))
                let c3 = Self.bt(d(0, 3, j), d(1, 3, j), d(2, 3, j), d(3, 3, j))
                Self.store(Self.bt(c0.0, c1.0, c2.0, c3.0), v + j, stride: stride, lanes: lanes)
                Self.store(Self.bt(c0.1, c1.1, c2.1, c3.1), v + 4 * stride + j, stride: stride, lanes: lanes)
                Self.store(Self.bt(c0.2, c1.2, c2.2, c3.2), v + 8 * stride + j, stride: stride, lanes: lanes)
                Self.store(Self.bt(c0.3, c1.3, c2.3, c3.3), v + 12 * stride + j, stride: stride, lanes: lanes)
            }
        } else {
            @inline(__always) func keep(_ c: V6x, column b: Int) {
                Vector.store(c.0, work + 16 * b); Vector.store(c.1, work + 16 * (6 + b))
                Vector.store(c.2, work + 16 * (12 + b)); Vector.store(c.3, work + 16 * (18 + b))
                Vector.store(c.4, work + 16 * (24 + b)); Vector.store(c.5, work + 16 * (30 + b))
            }
            @inline(__always) func kept(_ i: Int) -> V16 { Vector.load(work + 16 * i) }
            chunks { j, lanes in
                for b in 0..<6 { keep(Self.bt(d(0, b, j), d(1, b, j), d(2, b, j), d(3, b, j), d(4, b, j), d(5, b, j)), column: b) }
                for a in 0..<6 {
                    let r = Self.bt(kept(6 * a), kept(6 * a + 1), kept(6 * a + 2), kept(6 * a + 3), kept(6 * a + 4), kept(6 * a + 5))
                    Self.store(r, v + 6 * a * stride + j, stride: stride, lanes: lanes)
                }
            }
        }
    }

    // Four phase planes of an output gradient -> dM[ξ][block] = (A e Aᵀ)[ξ] for the 2x2 gradient e of every
    // block, ξ's runs `stride` apart. Outside the plane e is zero (the phase planes' unwritten border).
    @inline(never)  // as transformInput
    private func transformGradient(_ phases: UnsafePointer<Float>, into dm: UnsafeMutablePointer<Float>, stride: Int) {
        let size = phaseSize
        @inline(__always) func e(_ r: Int, _ c: Int, _ j: Int) -> V16 { Vector.load(phases + ((r * 2 + c) * size + j)) }
        if kernel == 3 {
            chunks { j, lanes in
                let c0 = Self.a4(e(0, 0, j), e(1, 0, j)), c1 = Self.a4(e(0, 1, j), e(1, 1, j))  // A e, column by column
                Self.store(Self.a4(c0.0, c1.0), dm + j, stride: stride, lanes: lanes)
                Self.store(Self.a4(c0.1, c1.1), dm + 4 * stride + j, stride: stride, lanes: lanes)
                Self.store(Self.a4(c0.2, c1.2), dm + 8 * stride + j, stride: stride, lanes: lanes)
                Self.store(Self.a4(c0.3, c1.3), dm + 12 * stride + j, stride: stride, lanes: lanes)
            }
        } else {
            chunks { j, lanes in
                let c0 = Self.a6(e(0, 0, j), e(1, 0, j)), c1 = Self.a6(e(0, 1, j), e(1, 1, j))
                Self.store(Self.a6(c0.0, c1.0), dm + j, stride: stride, lanes: lanes)
                Self.store(Self.a6(c0.1, c1.1), dm + 6 * stride + j, stride: stride, lanes: lanes)
                Self.store(Self.a6(c0.2, c1.2), dm + 12 * stride + j, stride: stride, lanes: lanes)
                Self.store(Self.a6(c0.3, c1.3), dm + 18 * stride + j, stride: stride, lanes: lanes)
                Self.store(Self.a6(c0.4, c1.4), dm + 24 * stride + j, stride: stride, lanes: lanes)
                Self.store(Self.a6(c0.5, c1.5), dm + 30 * stride + j, stride: stride, lanes: lanes)
            }
        }
    }

    // M[ξ][block] (ξ's runs `stride` apart) -> one output plane [Ho, Wo] = Aᵀ M A + bias: the four outputs of
    // each block go to `scratch` (4 x blocks) first, then into place; outputs past the edge are dropped.
    @inline(never)  // as transformInput
    private func transformOutput(_ m: UnsafePointer<Float>, stride: Int, bias: Float, scratch z: UnsafeMutablePointer<Float>,
                                 into y: UnsafeMutablePointer<Float>) {
        let count = blocksPerItem, b = V16(repeating: bias)
        @inline(__always) func mm(_ xi: Int, _ j: Int) -> V16 { Vector.load(m + (xi * stride + j)) }
        @inline(__always) func keep(_ top: (V16, V16), _ bottom: (V16, V16), _ j: Int, _ lanes: Int) {
            Self.store(top.0 + b, z + j, lanes: lanes); Self.store(top.1 + b, z + count + j, lanes: lanes)
            Self.store(bottom.0 + b, z + 2 * count + j, lanes: lanes); Self.store(bottom.1 + b, z + 3 * count + j, lanes: lanes)
        }
        if kernel == 3 {
            chunks { j, lanes in
                // Aᵀ M, column by column; then each row times A.
                let c0 = Self.at(mm(0, j), mm(4, j), mm(8, j), mm(12, j))
                let c1 = Self.at(mm(1, j), mm(5, j), mm(9, j), mm(13, j))
                let c2 = Self.at(mm(2, j), mm(6, j), mm(10, j), mm(14, j))
                let c3 = Self.at(mm(3, j), mm(7, j), mm(11, j), mm(15, j))
                keep(Self.at(c0.0, c1.0, c2.0, c3.0), Self.at(c0.1, c1.1, c2.1, c3.1), j, lanes)
            }
        } else {
            chunks { j, lanes in
                @inline(__always) func column(_ b: Int) -> (V16, V16) {
                    Self.at(mm(b, j), mm(6 + b, j), mm(12 + b, j), mm(18 + b, j), mm(24 + b, j), mm(30 + b, j))
                }
                let c0 = column(0), c1 = column(1), c2 = column(2), c3 = column(3), c4 = column(4), c5 = column(5)
                keep(Self.at(c0.0, c1.0, c2.0, c3.0, c4.0, c5.0), Self.at(c0.1, c1.1, c2.1, c3.1, c4.1, c5.1), j, lanes)
            }
        }
        let ho = outHeight, wo = outWidth, cols = blocksPerRow, pairs = wo / 2
        for by in 0..<tilesY {
            for r in 0..<2 where 2 * by + r < ho {
                let left = z + 2 * r * count + by * cols, right = left + count, row = y + (2 * by + r) * wo
                var bx = 0
                while bx + 8 <= pairs {
                    var v = V16()
                    v.evenHalf = UnsafeRawPointer(left + bx).loadUnaligned(as: SIMD8<Float>.self)
                    v.oddHalf = UnsafeRawPointer(right + bx).loadUnaligned(as: SIMD8<Float>.self)
                    Vector.store(v, row + 2 * bx)
                    bx += 8
                }
                while bx < pairs { row[2 * bx] = left[bx]; row[2 * bx + 1] = right[bx]; bx += 1 }
                if wo & 1 == 1 { row[wo - 1] = left[pairs] }
            }
        }
    }
}

/// What Conv2D needs of a Winograd implementation: F(2x2, r x r) over blocks in the SIMD lanes (`Winograd`), or
/// F(4x4, r x r) over channels in the lanes (`WinogradLanes`).
protocol WinogradPath {
    associatedtype Scratch
    init(inChannels: Int, outChannels: Int, height: Int, width: Int, kernel: Int, padding: Int)
    var outChannels: Int { get }
    var outHeight: Int { get }
    var outWidth: Int { get }
    var positions: Int { get }
    var itemSize: Int { get }
    func run(_ x: UnsafePointer<Float>, count: Int, u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
             into y: SharedPointer, threads: Int)
    func forEachBlock(count: Int, threads: Int, gradient: Bool, _ body: (Int, Int, Int, Scratch) -> Void)
    func accumulateGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, count: Int,
                            into du: UnsafeMutablePointer<Float>, bias db: UnsafeMutablePointer<Float>?, scratch: Scratch)
    static func transformWeights(_ g: UnsafePointer<Float>, kernel r: Int, outChannels: Int, inChannels: Int,
                                 adjoint: Bool) -> [Float]
    static func addWeightGradient(_ du: UnsafePointer<Float>, kernel r: Int, into dw: UnsafeMutablePointer<Float>,
                                  outChannels: Int, inChannels: Int)
}

extension Winograd: WinogradPath {}
extension WinogradLanes: WinogradPath {}

/// The transformed weights of one Conv2D, kept between calls while the weights stay the same (inference runs
/// many batches through unchanged weights; training changes them every step). Shared by copies of the layer,
/// which `Network.probabilities` makes for every call, so it is a locked reference.
final class WinogradWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (source: [Float], u: [Float])] = [:]

    /// W.transformWeights(weights, adjoint:) for the layer's weights [Cout, Cin, r, r], from the last call's
    /// result when `weights` are the same values (the same array buffer is recognised without reading it).
    func transformed<W: WinogradPath>(_: W.Type, _ weights: [Float], kernel: Int, outChannels: Int, inChannels: Int,
                                      adjoint: Bool) -> [Float] {
        let key = "\(W.self) \(adjoint)"
        lock.lock()
        if let entry = entries[key], entry.source == weights { lock.unlock(); return entry.u }
        lock.unlock()
        let u = weights.withUnsafeBufferPointer {
            adjoint
                ? W.transformWeights($0.baseAddress!, kernel: kernel, outChannels: inChannels, inChannels: outChannels, adjoint: true)
                : W.transformWeights($0.baseAddress!, kernel: kernel, outChannels: outChannels, inChannels: inChannels, adjoint: false)
        }
        lock.lock()
        entries[key] = (weights, u)
        lock.unlock()
        return u
    }
}
