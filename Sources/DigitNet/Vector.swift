/// Small vectorised loops over Float buffers. Swift does not reassociate floating-point sums on its own, so a
/// plain `s += x[i]` runs one add at a time; these keep sixteen partial sums in SIMD registers instead.
enum Vector {
    /// Sixteen floats from p, unaligned. Pointer arithmetic rather than a byte offset: the byte-offset forms
    /// of loadUnaligned and storeBytes are not inlined here, and a call per vector costs more than the work.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }

    /// Sixteen floats to p, unaligned.
    @inline(__always)
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self) }

    /// Σ x[i]
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>(), i = 0
        while i + 16 <= n { acc += load(x + i); i += 16 }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// Σ (x[i] − m)²
    @inline(__always)
    static func sumSquaredDeviations(_ x: UnsafePointer<Float>, _ n: Int, mean m: Float) -> Float {
        var acc = SIMD16<Float>(), i = 0
        let mv = SIMD16<Float>(repeating: m)
        while i + 16 <= n {
            let d = load(x + i) - mv
            acc += d * d
            i += 16
        }
        var s = acc.sum()
        while i < n { let d = x[i] - m; s += d * d; i += 1 }
        return s
    }

    /// Σ x[i]·y[i]
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>(), i = 0
        while i + 16 <= n {
            acc += load(x + i) * load(y + i)
            i += 16
        }
        var s = acc.sum()
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// y[i] = x[i]·scale + shift, or max(0, that) with the ReLU.
    @inline(__always)
    static func affine(_ x: UnsafePointer<Float>, _ scale: Float, _ shift: Float, relu: Bool,
                       into y: UnsafeMutablePointer<Float>, _ n: Int) {
        let floor: Float = relu ? 0 : -.infinity
        let sv = SIMD16<Float>(repeating: scale), tv = SIMD16<Float>(repeating: shift), fv = SIMD16<Float>(repeating: floor)
        var i = 0
        while i + 16 <= n { Vector.store(pointwiseMax(Vector.load(x + i) * sv + tv, fv), y + i); i += 16 }
        while i < n { y[i] = max(x[i] * scale + shift, floor); i += 1 }
    }

    /// out[i] = x[i]·y[i]
    @inline(__always)
    static func multiply(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n { store(load(x + i) * load(y + i), out + i); i += 16 }
        while i < n { out[i] = x[i] * y[i]; i += 1 }
    }

    /// out[i] = y[i] > 0 ? d[i] : 0, without a branch per element (the signs are random; a branch mispredicts).
    @inline(__always)
    static func keepWherePositive(_ d: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n {
            let yv = load(y + i), dv = load(d + i)
            store(dv.replacing(with: 0, where: .!(yv .> 0)), out + i)
            i += 16
        }
        while i < n { out[i] = y[i] > 0 ? d[i] : 0; i += 1 }
    }

    /// out[i] = x[i] for a short row (im2col copies rows of tens of values): whole SIMD chunks, the last one
    /// overlapping the one before instead of a scalar tail. The two buffers must not overlap.
    @inline(__always)
    static func copy(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int) {
        // Pointer offsets, not byte-offset multiplies: no overflow test per chunk.
        @inline(__always) func move<V: SIMD>(_: V.Type, at i: Int) where V.Scalar == Float {
            UnsafeMutableRawPointer(out + i).storeBytes(of: UnsafeRawPointer(x + i).loadUnaligned(as: V.self), as: V.self)
        }
        if n >= 8 {
            var i = 0
            while i + 8 <= n { move(SIMD8<Float>.self, at: i); i += 8 }
            if i < n { move(SIMD8<Float>.self, at: n - 8) }
        } else if n >= 4 {
            move(SIMD4<Float>.self, at: 0); move(SIMD4<Float>.self, at: n - 4)
        } else {
            for i in 0..<n { out[i] = x[i] }
        }
    }

    /// out[i] += x[i] for a short row (col2im), in SIMD chunks and a scalar tail.
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int) {
        @inline(__always) func add<V: SIMD>(_: V.Type, at i: Int) where V.Scalar == Float {
            let o = UnsafeMutableRawPointer(out + i)
            o.storeBytes(of: o.loadUnaligned(as: V.self) + UnsafeRawPointer(x + i).loadUnaligned(as: V.self), as: V.self)
        }
        var i = 0
        while i + 8 <= n { add(SIMD8<Float>.self, at: i); i += 8 }
        if i + 4 <= n { add(SIMD4<Float>.self, at: i); i += 4 }
        while i < n { out[i] += x[i]; i += 1 }
    }

    /// out[j·ldo + i] = x[i·ldx + j] for i < rows, j < cols: 8x8 tiles turned over in registers, the edges
    /// one value at a time. 8x8 tiles fit the vector registers of AVX2 and AVX-512 alike; a 16x16 tile spills.
    static func transpose(_ x: UnsafePointer<Float>, rows: Int, cols: Int, ldx: Int,
                          into out: UnsafeMutablePointer<Float>, ldo: Int) {
        var i = 0
        while i + 8 <= rows {
            var j = 0
            while j + 8 <= cols {
                turn8(x + i * ldx + j, ldx, into: out + j * ldo + i, ldo)
                j += 8
            }
            for jj in j..<cols { for k in 0..<8 { out[jj * ldo + i + k] = x[(i + k) * ldx + jj] } }
            i += 8
        }
        for ii in i..<rows { for j in 0..<cols { out[j * ldo + ii] = x[ii * ldx + j] } }
    }

    /// One 8x8 tile: x's rows are ldx apart, out's ldo.
    @inline(__always)
    static func turn8(_ p: UnsafePointer<Float>, _ ldx: Int, into q: UnsafeMutablePointer<Float>, _ ldo: Int) {
        @inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
        @inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
        }
        var r = (load8(p), load8(p + ldx), load8(p + 2 * ldx), load8(p + 3 * ldx), load8(p + 4 * ldx),
                 load8(p + 5 * ldx), load8(p + 6 * ldx), load8(p + 7 * ldx))
        r = unzip(unzip(unzip(r)))
        store8(r.0, q); store8(r.1, q + ldo); store8(r.2, q + 2 * ldo); store8(r.3, q + 3 * ldo)
        store8(r.4, q + 4 * ldo); store8(r.5, q + 5 * ldo); store8(r.6, q + 6 * ldo); store8(r.7, q + 7 * ldo)
    }

    private typealias Tile8 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                               SIMD8<Float>, SIMD8<Float>)

    /// The 64 values of an 8x8 tile, read in order, split into the even-placed ones and then the odd-placed
    /// ones. Three times over, this moves value (r, c) to (c, r): each round rotates the index's bits by one.
    @inline(__always)
    private static func unzip(_ r: Tile8) -> Tile8 {
        @inline(__always) func even(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { SIMD16(lowHalf: a, highHalf: b).evenHalf }
        @inline(__always) func odd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { SIMD16(lowHalf: a, highHalf: b).oddHalf }
        return (even(r.0, r.1), even(r.2, r.3), even(r.4, r.5), even(r.6, r.7),
                odd(r.0, r.1), odd(r.2, r.3), odd(r.4, r.5), odd(r.6, r.7))
    }
}
