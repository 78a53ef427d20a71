/// Small vectorised loops over Float buffers. Swift does not reassociate floating-point sums on its own, so a
/// plain `s += x[i]` runs one add at a time; these keep sixteen partial sums in SIMD registers instead.
enum Vector {
    /// Σ x[i]
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>(), i = 0
        let raw = UnsafeRawPointer(x)
        while i + 16 <= n { acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self); i += 16 }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// Σ (x[i] − m)²
    @inline(__always)
    static func sumSquaredDeviations(_ x: UnsafePointer<Float>, _ n: Int, mean m: Float) -> Float {
        var acc = SIMD16<Float>(), i = 0
        let raw = UnsafeRawPointer(x), mv = SIMD16<Float>(repeating: m)
        while i + 16 <= n {
            let d = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - mv
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
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        while i + 16 <= n {
            acc += rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var s = acc.sum()
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// out[i] = y[i] > 0 ? d[i] : 0, without a branch per element (the signs are random; a branch mispredicts).
    @inline(__always)
    static func keepWherePositive(_ d: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        let rd = UnsafeRawPointer(d), ry = UnsafeRawPointer(y), ro = UnsafeMutableRawPointer(out)
        while i + 16 <= n {
            let yv = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            let dv = rd.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            ro.storeBytes(of: dv.replacing(with: 0, where: .!(yv .> 0)), toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n { out[i] = y[i] > 0 ? d[i] : 0; i += 1 }
    }
}
