import CZlib
import Foundation

/// Inflates gzip data with zlib. Refuses to produce more than `limit` bytes, so a hostile file cannot
/// exhaust memory; `expected`, given the first bytes out, may say how many the content needs (an IDX header
/// does): the limit then tightens to it and the output is allocated once, at its size.
func gunzip(_ data: Data, limit: Int, name: String, expected: ((Data) -> Int?)? = nil) throws -> Data {
    var limit = limit, sized = expected == nil
    var stream = z_stream()
    guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw IDXError.corrupt(name, "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    var out = Data()
    let chunk = 1 << 20
    var buffer = [UInt8](repeating: 0, count: chunk)
    var status: Int32 = Z_OK
    try data.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
        stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(src.count)
        repeat {
            try buffer.withUnsafeMutableBufferPointer { dst in
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(chunk)
                status = inflate(&stream, Z_NO_FLUSH)
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw IDXError.corrupt(name, status == Z_BUF_ERROR ? "gzip data ends early" : "gzip data is corrupt")
                }
                out.append(dst.baseAddress!, count: chunk - Int(stream.avail_out))
            }
            if !sized, let size = expected?(out) {
                sized = true
                guard size <= limit else { throw IDXError.corrupt(name, "its header promises \(size) bytes, more than \(limit)") }
                limit = size
                out.reserveCapacity(size)
            }
            if out.count > limit { throw IDXError.corrupt(name, "decompresses to more than \(limit) bytes") }
        } while status != Z_STREAM_END
    }
    return out
}
