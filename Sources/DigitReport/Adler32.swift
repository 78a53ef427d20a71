/// The Adler-32 checksum that ends a zlib stream (RFC 1950), 16 bytes at a time: PNG files are written as raw
/// deflate with this sum added, which costs a fraction of zlib's own byte-at-a-time sum.
struct Adler32 {
    private(set) var a: UInt32 = 1, b: UInt32 = 0
    static let modulus: UInt32 = 65521
    /// Bytes summed before the sums are reduced: the most that keeps every lane below 2^32 (zlib's NMAX,
    /// rounded down to whole vectors).
    static let block = 5552 / 16 * 16

    /// The checksum as stored: b in the high half, a in the low.
    var value: UInt32 { b << 16 | a }

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + Self.block), vectors = (end - i) / 16
            if vectors > 0 {
                // s: each lane's running sum of its bytes; t: the sum of s before each vector, so that a byte
                // of vector j (of k) counts k − 1 − j times in t, and 16 − lane times more at the end.
                var s = SIMD16<UInt32>(), t = SIMD16<UInt32>()
                let raw = UnsafeRawPointer(base + i)
                for j in 0..<vectors {
                    t &+= s
                    s &+= SIMD16<UInt32>(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: 16 * j, as: SIMD16<UInt8>.self))
                }
                let weights = SIMD16<UInt32>(16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
                let sumS = UInt64(s.wrappedSum()), sumT = UInt64(t.wrappedSum()), sumW = UInt64((s &* weights).wrappedSum())
                let n = UInt64(16 * vectors), m = UInt64(Self.modulus)
                b = UInt32((UInt64(b) + n * UInt64(a) + 16 * sumT + sumW) % m)
                a = UInt32((UInt64(a) + sumS) % m)
                i += 16 * vectors
            }
            while i < end {
                a = (a + UInt32(base[i])) % Self.modulus
                b = (b + a) % Self.modulus
                i += 1
            }
        }
    }
}
