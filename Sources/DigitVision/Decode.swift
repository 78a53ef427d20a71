import DigitImage
import DigitShim
import Foundation

/// Stage 1: decoding. Any format OpenCV reads; 8- or 16-bit; gray, RGB or RGBA (alpha composited on white);
/// EXIF orientation applied (JPEG); absurd sizes refused before decoding fully.
public enum Decoder {
    /// Images over this many pixels are refused unless the caller allows more.
    public static let defaultMaxPixels = 100_000_000

    /// Decodes the file at `path` to gray.
    public static func load(_ path: String, maxPixels: Int = defaultMaxPixels) throws -> GrayImage {
        ds_quiet()
        var pending: OpaquePointer?, width: Int32 = 0, height: Int32 = 0, err = ds_error()
        try ScanError.check(ds_decode_file_begin(path, Int64(maxPixels), &pending, &width, &height, &err), err)
        // The pixels go straight into the image's own storage.
        let n = Int(width) * Int(height)
        var code: Int32 = 0
        let pixels = [UInt8](unsafeUninitializedCapacity: max(1, n)) { buffer, count in
            code = ds_decode_finish(pending, buffer.baseAddress, &err)
            count = code == 0 ? n : 0
        }
        try ScanError.check(code, err)
        return GrayImage(width: Int(width), height: Int(height), pixels: pixels)
    }

    /// Decodes bytes in memory; `name` is used in errors.
    public static func decode(_ data: [UInt8], name: String, maxPixels: Int = defaultMaxPixels) throws -> GrayImage {
        ds_quiet()
        var out = ds_image(), err = ds_error()
        let code = data.withUnsafeBufferPointer { ds_decode_memory($0.baseAddress, $0.count, Int64(maxPixels), name, &out, &err) }
        try ScanError.check(code, err)
        return GrayImage.adopt(&out)
    }
}

/// The tool's own stderr. Decoding points file descriptor 2 at /dev/null for a moment (libpng and OpenCV
/// print their complaints there), so messages meant for the user go through this copy of it. Touch it once
/// at start-up, before any decoding.
public enum Console {
    public static let errors = FileHandle(fileDescriptor: ds_console_fd(), closeOnDealloc: false)

    /// Makes standard output line-buffered, also in a pipe: printed lines keep their order with `errors`.
    public static func lineBufferOutput() { ds_stdout_line_buffered() }
}
