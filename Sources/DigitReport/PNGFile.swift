import CCairo
import CIsal
import Foundation

/// PNG files of rendered pictures, compressed by ISA-L's fastest level: a report's grid page or page overlay
/// comes out about the size zlib's fastest level makes, five to six times sooner (Cairo's own writer takes
/// zlib's default level, slower still).
enum PNGFile {
    /// The PNG bytes of an RGB24 Cairo image surface (flushed), 8-bit RGB, each row filtered by its difference
    /// from the row above (digit crops and charts repeat down their columns).
    static func encode(_ surface: OpaquePointer) -> [UInt8]? {
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard width > 0, height > 0, let data = cairo_image_surface_get_data(surface) else { return nil }
        let rowBytes = 3 * width
        // Filtered rows go to the compressor a batch at a time (about 64 KB): no copy of the whole picture
        // besides the surface. ISA-L writes the zlib header and Adler-32.
        let compressor = Compressor()
        let batchRows = max(1, (1 << 16) / (rowBytes + 1))
        let batch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: batchRows * (rowBytes + 1))
        defer { batch.deallocate() }
        // This row's RGB bytes and the one above's (zeros above the first).
        let rows = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 2 * rowBytes)
        defer { rows.deallocate() }
        rows.initialize(repeating: 0)
        var row = rows.baseAddress!, previous = row + rowBytes
        var filled = 0
        for y in 0..<height {
            // RGB24 is one native-endian 32-bit word a pixel: 0x00RRGGBB.
            let words = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let p = words[x]
                row[3 * x] = UInt8(truncatingIfNeeded: p >> 16); row[3 * x + 1] = UInt8(truncatingIfNeeded: p >> 8)
                row[3 * x + 2] = UInt8(truncatingIfNeeded: p)
            }
            // Filter "Up": the filter type, then the differences.
            let out = batch.baseAddress! + filled * (rowBytes + 1)
            out[0] = 2
            for i in 0..<rowBytes { out[1 + i] = row[i] &- previous[i] }
            swap(&row, &previous)
            filled += 1
            if filled == batchRows || y == height - 1 {
                guard compressor.add(UnsafeMutableBufferPointer(rebasing: batch[0..<(filled * (rowBytes + 1))]), last: y == height - 1)
                else { return nil }
                filled = 0
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ body: [UInt8]) {
            let typed = Array(type.utf8) + body
            out += bigEndian(UInt32(body.count)) + typed
            out += bigEndian(typed.withUnsafeBufferPointer { crc32_gzip_refl(0, $0.baseAddress, UInt64($0.count)) })
        }
        // IHDR: width, height, 8 bits, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
        chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0])
        chunk("IDAT", compressor.compressed)
        chunk("IEND", [])
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

    /// A zlib stream made by ISA-L at level 1, fed piece by piece.
    final class Compressor {
        private var stream = isal_zstream()
        private let work: UnsafeMutableBufferPointer<UInt8>
        private var buffer = [UInt8](repeating: 0, count: 1 << 16)
        private(set) var compressed = [UInt8]()

        init() {
            work = .allocate(capacity: Int(digits_isal_level1_buffer_size()))
            isal_deflate_init(&stream)
            stream.level = 1
            stream.level_buf = work.baseAddress
            stream.level_buf_size = UInt32(work.count)
            stream.gzip_flag = UInt16(IGZIP_ZLIB)
        }

        deinit { work.deallocate() }

        /// Compresses `input`; `last` ends the stream. False when ISA-L refuses.
        func add(_ input: UnsafeMutableBufferPointer<UInt8>, last: Bool) -> Bool {
            stream.next_in = input.baseAddress
            stream.avail_in = UInt32(input.count)
            stream.end_of_stream = last ? 1 : 0
            repeat {
                let status = buffer.withUnsafeMutableBufferPointer { b -> Int32 in
                    stream.next_out = b.baseAddress
                    stream.avail_out = UInt32(b.count)
                    return isal_deflate(&stream)
                }
                guard status == COMP_OK else { return false }
                compressed += buffer[0..<(buffer.count - Int(stream.avail_out))]
            } while stream.avail_in > 0 || (last && stream.internal_state.state != ZSTATE_END)
            return true
        }
    }
}
