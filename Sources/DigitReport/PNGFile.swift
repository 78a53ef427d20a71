import CCairo
import CZlib
import Foundation

/// PNG files of rendered pictures, written with zlib's fastest level: a report's grid page compresses to about
/// the same size as at the default level in a fraction of the time (Cairo's own writer takes the default).
enum PNGFile {
    /// The PNG bytes of an RGB24 Cairo image surface (flushed), 8-bit RGB, each row filtered by its difference
    /// from the row above (digit crops and charts repeat down their columns).
    static func encode(_ surface: OpaquePointer) -> [UInt8]? {
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard width > 0, height > 0, let data = cairo_image_surface_get_data(surface) else { return nil }
        let rowBytes = 3 * width
        // Row by row into the compressor: no copy of the whole picture besides the surface. Raw deflate, with
        // the zlib header and checksum written here (`Adler32`).
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var compressed: [UInt8] = [0x78, 0x01], buffer = [UInt8](repeating: 0, count: 1 << 16)
        var sum = Adler32()
        // Deflates what `input` holds (nothing when finishing) into `compressed`.
        func feed(_ input: UnsafeMutableBufferPointer<UInt8>?, finish: Bool) -> Bool {
            stream.next_in = input?.baseAddress
            stream.avail_in = uInt(input?.count ?? 0)
            while true {
                let status = buffer.withUnsafeMutableBufferPointer { c -> Int32 in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    return deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { return false }
                compressed += buffer[0..<(buffer.count - Int(stream.avail_out))]
                if finish ? status == Z_STREAM_END : stream.avail_out != 0 { return true }
            }
        }
        // Two rows of RGB bytes (this one and the one above) and the filtered row: filter "Up", then the differences.
        let rows = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 2 * rowBytes + rowBytes + 1)
        defer { rows.deallocate() }
        rows.initialize(repeating: 0)
        var row = rows.baseAddress!, previous = row + rowBytes
        let filtered = UnsafeMutableBufferPointer(rebasing: rows[(2 * rowBytes)...])
        filtered[0] = 2
        for y in 0..<height {
            // RGB24 is one native-endian 32-bit word a pixel: 0x00RRGGBB.
            let words = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let p = words[x]
                row[3 * x] = UInt8(truncatingIfNeeded: p >> 16); row[3 * x + 1] = UInt8(truncatingIfNeeded: p >> 8)
                row[3 * x + 2] = UInt8(truncatingIfNeeded: p)
            }
            for i in 0..<rowBytes { filtered[1 + i] = row[i] &- previous[i] }
            swap(&row, &previous)
            sum.update(UnsafeBufferPointer(filtered))
            guard feed(filtered, finish: false) else { return nil }
        }
        guard feed(nil, finish: true) else { return nil }
        compressed += bigEndian(sum.value)
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ body: ArraySlice<UInt8>) {
            let typed = Array(type.utf8) + body
            out += bigEndian(UInt32(body.count)) + typed
            out += bigEndian(UInt32(typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }))
        }
        // IHDR: width, height, 8 bits, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
        chunk("IHDR", (bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0])[...])
        chunk("IDAT", compressed[...])
        chunk("IEND", [])
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
}
