import Foundation

/// Winograd's minimal filtering F(2x2, 3x3) for stride-1 3x3 convolutions (Lavin & Gray 2015): each 2x2 block
/// of outputs comes from a 4x4 block of input through 16 multiplications per channel pair instead of 36.
/// The input blocks and the weights are transformed (V = Bᵀ d B, U = G g Gᵀ), the 16 positions of a block
/// become 16 matrix products U[ξ]·V[ξ] over channels, and each product block is transformed back (Y = Aᵀ M A).
/// Conv2D uses it for its forward pass, its input gradient (the same kind of convolution) and its weight
/// gradient (the chain rule back through the same transforms).
struct Winograd3x3 {
    let inChannels: Int, outChannels: Int, height: Int, width: Int, padding: Int

    var outHeight: Int { height + 2 * padding - 2 }
    var outWidth: Int { width + 2 * padding - 2 }
    var tilesY: Int { (outHeight + 1) / 2 }
    var tilesX: Int { (outWidth + 1) / 2 }
    var tilesPerItem: Int { tilesY * tilesX }
    var itemSize: Int { inChannels * height * width }
    /// Blocks per input plane as the transforms lay them out: rows of tilesX + 1, the last block of each row a
    /// spare whose values are never used, so that a plane's blocks are one evenly strided run.
    var blocksPerItem: Int { tilesY * (tilesX + 1) }
    /// The zero-bordered input plane split by row and column parity into four (tilesY + 1) x (tilesX + 1) phase
    /// planes: the 16 values of every block then sit at one offset from its index in each phase plane.
    var phaseSize: Int { (tilesY + 1) * (tilesX + 1) }
    /// Floats per input plane in scratch: four phase planes and room for the spare blocks' reads past the end.
    var planeStride: Int { 4 * phaseSize + 16 }

    /// Samples per block: transformed input and products of about 2 MB together.
    func blockSize(_ n: Int) -> Int {
        max(1, min(n, (1 << 19) / max(1, 16 * (inChannels + outChannels) * blocksPerItem)))
    }

    /// U = G g Gᵀ for weights g [Cout, Cin, 3, 3] -> [16, Cout, Cin]. With `adjoint`, g is read as the weights
    /// of the input gradient: channels swapped and kernels turned by 180°, from a layer's [Cin', Cout', 3, 3].
    static func transformWeights(_ g: UnsafePointer<Float>, outChannels: Int, inChannels: Int, adjoint: Bool) -> [Float] {
        let pairs = outChannels * inChannels
        var u = [Float](repeating: 0, count: 16 * pairs)
        u.withUnsafeMutableBufferPointer { u in
            for co in 0..<outChannels {
                for ci in 0..<inChannels {
                    // k[ky·3 + kx] of this channel pair.
                    @inline(__always) func k(_ i: Int) -> Float {
                        adjoint ? g[(ci * outChannels + co) * 9 + 8 - i] : g[(co * inChannels + ci) * 9 + i]
                    }
                    // G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]: the columns of G·k (4x3), then the rows of (G·k)·Gᵀ (4x4).
                    var gk = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())
                    for x in 0..<3 {
                        let a = k(x), b = k(3 + x), c = k(6 + x)
                        let column = SIMD4<Float>(a, (a + b + c) / 2, (a - b + c) / 2, c)
                        if x == 0 { gk.0 = column } else if x == 1 { gk.1 = column } else { gk.2 = column }
                    }
                    for y in 0..<4 {
                        let a = gk.0[y], b = gk.1[y], c = gk.2[y]
                        let row = SIMD4<Float>(a, (a + b + c) / 2, (a - b + c) / 2, c)
                        for x in 0..<4 { u[(4 * y + x) * pairs + co * inChannels + ci] = row[x] }
                    }
                }
            }
        }
        return u
    }

    /// Floats of scratch for `count` samples: for `convolve`, input phase planes, V, M and one plane of outputs;
    /// for `accumulateGradient`, input and output-gradient phase planes, V and the transformed gradient.
    func scratchSize(count: Int, gradient: Bool = false) -> Int {
        let t = count * blocksPerItem
        return count * (inChannels + (gradient ? outChannels : 0)) * planeStride
            + 16 * (inChannels + outChannels) * t + 4 * blocksPerItem + 16
    }

    /// Allocates scratch for `count` samples with the phase planes zeroed, as `convolve` and
    /// `accumulateGradient` expect: only data is ever written into them, so the borders stay zero from one call
    /// to the next.
    func makeScratch(count: Int, gradient: Bool = false) -> UnsafeMutablePointer<Float> {
        let s = UnsafeMutablePointer<Float>.allocate(capacity: scratchSize(count: count, gradient: gradient))
        s.initialize(repeating: 0, count: count * (inChannels + (gradient ? outChannels : 0)) * planeStride)
        return s
    }

    // x: [count, Cin, H, W] -> y: [count, Cout, Ho, Wo] (+ bias per output channel, if any), the samples split
    // over threads and each thread's share taken in blocks of `blockSize`. u from transformWeights.
    func run(_ x: UnsafePointer<Float>, count: Int, u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
             into y: SharedPointer, threads: Int) {
        let threads = max(1, min(threads, count)), outSize = outChannels * outHeight * outWidth
        parallel(threads) { t in
            let range = slice(count, part: t, of: threads)
            let nb = blockSize(range.count), scratch = makeScratch(count: nb)
            defer { scratch.deallocate() }
            var n0 = range.lowerBound
            while n0 < range.upperBound {
                let nc = min(nb, range.upperBound - n0)
                convolve(x + n0 * itemSize, count: nc, u: u, bias: bias, into: y.p + n0 * outSize, scratch: scratch)
                n0 += nc
            }
        }
    }

    // x: [count, Cin, H, W] -> y: [count, Cout, Ho, Wo] for one block; `scratch` from makeScratch(count ≥ count).
    func convolve(_ x: UnsafePointer<Float>, count: Int, u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                  into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let cin = inChannels, cout = outChannels, blocks = blocksPerItem, t = count * blocks
        let planes = scratch, v = planes + count * cin * planeStride, m = v + 16 * cin * t, z = m + 16 * cout * t
        for plane in 0..<(count * cin) {
            let phases = planes + plane * planeStride
            splitPhases(x + plane * height * width, height: height, width: width, padding: padding, into: phases)
            transformInput(phases, into: v + plane / cin * blocks + plane % cin * t, stride: cin * t)
        }
        // M[ξ] = U[ξ] · V[ξ]: [Cout, Cin] x [Cin, blocks].
        for xi in 0..<16 {
            gemm(m: cout, n: t, k: cin, a: u + xi * cout * cin, lda: cin, b: v + xi * cin * t, ldb: t,
                 c: m + xi * cout * t, ldc: t)
        }
        for plane in 0..<(count * cout) {
            let i = plane / cout, co = plane % cout
            transformOutput(m + co * t + i * blocks, stride: cout * t, bias: bias?[co] ?? 0, scratch: z,
                            into: y + plane * outHeight * outWidth)
        }
    }

    // Weight gradient of one block: x [count, Cin, H, W], dy [count, Cout, Ho, Wo] -> dU [16, Cout, Cin] +=
    // (A dy Aᵀ)[ξ] · V[ξ]ᵀ summed over blocks, the gradient with respect to the transformed weights (turn it
    // into dW with addWeightGradient); db [Cout] += Σ dy if given. `scratch` from makeScratch(gradient: true).
    func accumulateGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, count: Int,
                            into du: UnsafeMutablePointer<Float>, bias db: UnsafeMutablePointer<Float>?,
                            scratch: UnsafeMutablePointer<Float>) {
        let cin = inChannels, cout = outChannels, blocks = blocksPerItem, t = count * blocks
        let ho = outHeight, wo = outWidth
        let xPhases = scratch, dyPhases = xPhases + count * cin * planeStride
        let v = dyPhases + count * cout * planeStride, dm = v + 16 * cin * t
        for plane in 0..<(count * cin) {
            let phases = xPhases + plane * planeStride
            splitPhases(x + plane * height * width, height: height, width: width, padding: padding, into: phases)
            transformInput(phases, into: v + plane / cin * blocks + plane % cin * t, stride: cin * t)
        }
        for plane in 0..<(count * cout) {
            let phases = dyPhases + plane * planeStride, source = dy + plane * ho * wo
            if let db { db[plane % cout] += Vector.sum(source, ho * wo) }
            splitPhases(source, height: ho, width: wo, padding: 0, into: phases)
            transformGradient(phases, into: dm + plane / cout * blocks + plane % cout * t, stride: cout * t)
        }
        // dU[ξ] += dM[ξ] · V[ξ]ᵀ: [Cout, blocks] x [blocks, Cin].
        for xi in 0..<16 {
            gemm(transB: true, m: cout, n: cin, k: t, a: dm + xi * cout * t, lda: t, b: v + xi * cin * t, ldb: t,
                 beta: 1, c: du + xi * cout * cin, ldc: cin)
        }
    }

    /// dW [Cout, Cin, 3, 3] += Gᵀ dU G for dU [16, Cout, Cin] from accumulateGradient.
    static func addWeightGradient(_ du: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>,
                                  outChannels: Int, inChannels: Int) {
        let pairs = outChannels * inChannels
        // Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1] applied to four values.
        @inline(__always) func gt(_ x: SIMD4<Float>) -> SIMD3<Float> {
            SIMD3(x[0] + (x[1] + x[2]) / 2, (x[1] - x[2]) / 2, (x[1] + x[2]) / 2 + x[3])
        }
        for pair in 0..<pairs {
            @inline(__always) func column(_ b: Int) -> SIMD3<Float> {
                gt(SIMD4(du[b * pairs + pair], du[(4 + b) * pairs + pair], du[(8 + b) * pairs + pair], du[(12 + b) * pairs + pair]))
            }
            let h = (column(0), column(1), column(2), column(3))  // Gᵀ dU, column by column
            for ky in 0..<3 {
                let row = gt(SIMD4(h.0[ky], h.1[ky], h.2[ky], h.3[ky]))
                for kx in 0..<3 { dw[pair * 9 + ky * 3 + kx] += row[kx] }
            }
        }
    }

    // One plane [H, W] -> its four phase planes, padded position (py, px) going to phase (py & 1, px & 1) at
    // (py >> 1, px >> 1). Rows go sixteen values at a time, split into their even and odd halves.
    private func splitPhases(_ x: UnsafePointer<Float>, height: Int, width: Int, padding: Int,
                             into phases: UnsafeMutablePointer<Float>) {
        let cols = tilesX + 1
        for row in 0..<height {
            let py = row + padding, source = x + row * width
            let even = phases + (py & 1) * 2 * phaseSize + (py >> 1) * cols, odd = even + phaseSize
            // Source columns c, c + 2, ... land at (c + padding) >> 1 in the phase of c + padding's parity.
            @inline(__always) func split(at c: Int) {
                let v = UnsafeRawPointer(source + c).loadUnaligned(as: SIMD16<Float>.self)
                let first = (c + padding) >> 1, second = (c + 1 + padding) >> 1
                let even0 = (c + padding) & 1 == 0  // whether lane 0 goes to the even phase
                let (evens, odds) = even0 ? (v.evenHalf, v.oddHalf) : (v.oddHalf, v.evenHalf)
                let (e, o) = even0 ? (first, second) : (second, first)
                UnsafeMutableRawPointer(even + e).storeBytes(of: evens, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(odd + o).storeBytes(of: odds, as: SIMD8<Float>.self)
            }
            if width >= 16 {
                var c = 0
                while c + 16 <= width { split(at: c); c += 16 }
                if c < width { split(at: width - 16) }
            } else {
                for c in 0..<width { ((c + padding) & 1 == 0 ? even : odd)[(c + padding) >> 1] = source[c] }
            }
        }
    }

    private typealias V16 = SIMD16<Float>

    /// (Bᵀ x) for four vectors of blocks, Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
    @inline(__always)
    private static func bt(_ x0: V16, _ x1: V16, _ x2: V16, _ x3: V16) -> (V16, V16, V16, V16) {
        (x0 - x2, x1 + x2, x2 - x1, x1 - x3)
    }

    /// (Aᵀ x) for four vectors of blocks, Aᵀ = [1 1 1 0; 0 1 −1 −1].
    @inline(__always)
    private static func at(_ x0: V16, _ x1: V16, _ x2: V16, _ x3: V16) -> (V16, V16) {
        (x0 + x1 + x2, x1 - x2 - x3)
    }

    /// Visits the blocks of a plane sixteen at a time (the last chunk overlapping the one before, or short when
    /// the plane has fewer than sixteen); `body(j, lanes)` handles blocks j..<j + lanes.
    @inline(__always)
    private func chunks(_ body: (Int, Int) -> Void) {
        let n = blocksPerItem
        if n < 16 { body(0, n); return }
        var j = 0
        while j + 16 <= n { body(j, 16); j += 16 }
        if j < n { body(n - 16, 16) }
    }

    /// Stores four vectors `stride` apart from p (the first `lanes` values of each).
    @inline(__always)
    private static func store(_ x: (V16, V16, V16, V16), _ p: UnsafeMutablePointer<Float>, stride: Int, lanes: Int) {
        store(x.0, p, lanes: lanes); store(x.1, p + stride, lanes: lanes)
        store(x.2, p + 2 * stride, lanes: lanes); store(x.3, p + 3 * stride, lanes: lanes)
    }

    /// Stores the first `lanes` values of x at p.
    @inline(__always)
    private static func store(_ x: V16, _ p: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == 16 {
            UnsafeMutableRawPointer(p).storeBytes(of: x, as: V16.self)
        } else {
            for l in 0..<lanes { p[l] = x[l] }
        }
    }

    // Four phase planes -> V[ξ][block] = (Bᵀ d B)[ξ] for every block of the plane, ξ's runs `stride` apart.
    // Block values past the plane (spares, short chunks) are read from scratch and never used.
    @inline(__always)
    private func transformInput(_ phases: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int) {
        let cols = tilesX + 1, raw = UnsafeRawPointer(phases), size = phaseSize
        // d[a][b] of block j starts in phase plane (a & 1, b & 1) at row a >> 1, column b >> 1.
        @inline(__always) func d(_ a: Int, _ b: Int, _ j: Int) -> V16 {
            raw.loadUnaligned(fromByteOffset: 4 * (((a & 1) * 2 + (b & 1)) * size + (a >> 1) * cols + (b >> 1) + j), as: V16.self)
        }
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
    }

    /// (A x) for two vectors of blocks, A = [1 0; 1 1; 1 −1; 0 −1].
    @inline(__always)
    private static func a(_ x0: V16, _ x1: V16) -> (V16, V16, V16, V16) {
        (x0, x0 + x1, x0 - x1, -x1)
    }

    // Four phase planes of an output gradient -> dM[ξ][block] = (A e Aᵀ)[ξ] for the 2x2 gradient e of every
    // block, ξ's runs `stride` apart. Outside the plane e is zero (the phase planes' unwritten border).
    @inline(__always)
    private func transformGradient(_ phases: UnsafePointer<Float>, into dm: UnsafeMutablePointer<Float>, stride: Int) {
        let raw = UnsafeRawPointer(phases), size = phaseSize
        @inline(__always) func e(_ r: Int, _ c: Int, _ j: Int) -> V16 {
            raw.loadUnaligned(fromByteOffset: 4 * ((r * 2 + c) * size + j), as: V16.self)
        }
        chunks { j, lanes in
            let c0 = Self.a(e(0, 0, j), e(1, 0, j)), c1 = Self.a(e(0, 1, j), e(1, 1, j))  // A e, column by column
            Self.store(Self.a(c0.0, c1.0), dm + j, stride: stride, lanes: lanes)
            Self.store(Self.a(c0.1, c1.1), dm + 4 * stride + j, stride: stride, lanes: lanes)
            Self.store(Self.a(c0.2, c1.2), dm + 8 * stride + j, stride: stride, lanes: lanes)
            Self.store(Self.a(c0.3, c1.3), dm + 12 * stride + j, stride: stride, lanes: lanes)
        }
    }

    // M[ξ][block] (ξ's runs `stride` apart) -> one output plane [Ho, Wo] = Aᵀ M A + bias: the four outputs of
    // each block go to `scratch` (4 x blocks) first, then into place; outputs past the edge are dropped.
    @inline(__always)
    private func transformOutput(_ m: UnsafePointer<Float>, stride: Int, bias: Float, scratch z: UnsafeMutablePointer<Float>,
                                 into y: UnsafeMutablePointer<Float>) {
        let n = blocksPerItem, raw = UnsafeRawPointer(m), b = V16(repeating: bias)
        @inline(__always) func mm(_ xi: Int, _ j: Int) -> V16 {
            raw.loadUnaligned(fromByteOffset: 4 * (xi * stride + j), as: V16.self)
        }
        chunks { j, lanes in
            // Aᵀ M, column by column; then each row times A.
            let c0 = Self.at(mm(0, j), mm(4, j), mm(8, j), mm(12, j))
            let c1 = Self.at(mm(1, j), mm(5, j), mm(9, j), mm(13, j))
            let c2 = Self.at(mm(2, j), mm(6, j), mm(10, j), mm(14, j))
            let c3 = Self.at(mm(3, j), mm(7, j), mm(11, j), mm(15, j))
            let top = Self.at(c0.0, c1.0, c2.0, c3.0), bottom = Self.at(c0.1, c1.1, c2.1, c3.1)
            Self.store(top.0 + b, z + j, lanes: lanes); Self.store(top.1 + b, z + n + j, lanes: lanes)
            Self.store(bottom.0 + b, z + 2 * n + j, lanes: lanes); Self.store(bottom.1 + b, z + 3 * n + j, lanes: lanes)
        }
        let ho = outHeight, wo = outWidth, cols = tilesX + 1, pairs = wo / 2
        for by in 0..<tilesY {
            for r in 0..<2 where 2 * by + r < ho {
                let left = z + 2 * r * n + by * cols, right = left + n, row = y + (2 * by + r) * wo
                var bx = 0
                while bx + 8 <= pairs {
                    var v = V16()
                    v.evenHalf = UnsafeRawPointer(left + bx).loadUnaligned(as: SIMD8<Float>.self)
                    v.oddHalf = UnsafeRawPointer(right + bx).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(row + 2 * bx).storeBytes(of: v, as: V16.self)
                    bx += 8
                }
                while bx < pairs { row[2 * bx] = left[bx]; row[2 * bx + 1] = right[bx]; bx += 1 }
                if wo & 1 == 1 { row[wo - 1] = left[pairs] }
            }
        }
    }
}

/// The transformed weights of one Conv2D, kept between calls while the weights stay the same (inference runs
/// many batches through unchanged weights; training changes them every step). Shared by copies of the layer,
/// which `Network.probabilities` makes for every call, so it is a locked reference.
final class WinogradWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Bool: (source: [Float], u: [Float])] = [:]

    /// transformWeights(weights, adjoint:) for the layer's weights [Cout, Cin, 3, 3], from the last call's result
    /// when `weights` are the same values (the same array buffer is recognised without reading it).
    func transformed(_ weights: [Float], outChannels: Int, inChannels: Int, adjoint: Bool) -> [Float] {
        lock.lock()
        if let entry = entries[adjoint], entry.source == weights { lock.unlock(); return entry.u }
        lock.unlock()
        let u = weights.withUnsafeBufferPointer {
            adjoint
                ? Winograd3x3.transformWeights($0.baseAddress!, outChannels: inChannels, inChannels: outChannels, adjoint: true)
                : Winograd3x3.transformWeights($0.baseAddress!, outChannels: outChannels, inChannels: inChannels, adjoint: false)
        }
        lock.lock()
        entries[adjoint] = (weights, u)
        lock.unlock()
        return u
    }
}

