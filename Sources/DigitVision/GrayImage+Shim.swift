import DigitImage
import DigitShim
import Foundation

/// The shim's image operations on `GrayImage`: borrowed views, adopted results, geometry and PNG output.
extension GrayImage {
    /// Calls `body` with a borrowed ds_image over the pixels (no copy: the shim only reads its inputs).
    func withView<R>(_ body: (UnsafePointer<ds_image>) throws -> R) rethrows -> R {
        try pixels.withUnsafeBufferPointer { p in
            var image = ds_image(width: Int32(width), height: Int32(height), pixels: UnsafeMutablePointer(mutating: p.baseAddress))
            return try body(&image)
        }
    }

    /// Takes ownership of an image the shim allocated, copying it and freeing the original.
    static func adopt(_ image: inout ds_image) -> GrayImage {
        defer { ds_image_free(&image) }
        let n = Int(image.width) * Int(image.height)
        return GrayImage(width: Int(image.width), height: Int(image.height),
                         pixels: Array(UnsafeBufferPointer(start: image.pixels, count: n)))
    }

    /// Runs a shim function that writes every pixel of an image of this size into a caller buffer (the
    /// buffer is not cleared first: the function must write it whole, or fail).
    func mapped(_ body: (UnsafePointer<ds_image>, UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<ds_error>) -> Int32) throws -> GrayImage {
        var err = ds_error(), code: Int32 = 0
        let n = width * height
        let out = [UInt8](unsafeUninitializedCapacity: max(1, n)) { buffer, count in
            code = withView { src in buffer.baseAddress.map { body(src, $0, &err) } ?? 0 }
            count = code == 0 ? n : 0
        }
        try ScanError.check(code, err)
        return GrayImage(width: width, height: height, pixels: out)
    }

    /// Rotated counter-clockwise by `degrees` about the centre, on a canvas enlarged to keep every pixel.
    public func rotated(by degrees: Double, fill: UInt8, nearest: Bool = false) throws -> GrayImage {
        var out = ds_image(), err = ds_error()
        let code = withView { ds_rotate($0, degrees, fill, nearest ? 1 : 0, &out, &err) }
        try ScanError.check(code, err)
        return GrayImage.adopt(&out)
    }

    /// Resized to width × height (area averaging when shrinking, unless `bilinear`).
    public func resized(width w: Int, height h: Int, bilinear: Bool = false) throws -> GrayImage {
        var out = ds_image(), err = ds_error()
        let code = withView { ds_resize($0, Int32(w), Int32(h), bilinear ? 1 : 0, &out, &err) }
        try ScanError.check(code, err)
        return GrayImage.adopt(&out)
    }

    /// Reduced to `scale` (at most 1) of its size, cheaply: halved by 2x2 block means while the scale allows,
    /// then bilinear for the factor of less than 2 that is left. Area resampling at any factor costs up to
    /// ten times as much for the same result at these sizes. `halved`, when given, is this image already
    /// `shrunk(by: 2)`: several reductions of one page share their first halving.
    public func reduced(to scale: Double, halved: GrayImage? = nil) throws -> GrayImage {
        let w = max(1, Int(Double(width) * scale)), h = max(1, Int(Double(height) * scale))
        var image = self
        if let halved, width >= 2 * w && height >= 2 * h { image = halved }
        while image.width >= 2 * w && image.height >= 2 * h { image = try image.shrunk(by: 2) }
        return image.width == w && image.height == h ? image : try image.resized(width: w, height: h, bilinear: true)
    }

    /// Shrunk by a whole `factor` (block means); the last `width % factor` columns and `height % factor` rows
    /// are dropped.
    public func shrunk(by factor: Int) throws -> GrayImage {
        var out = ds_image(), err = ds_error()
        let code = withView { ds_shrink($0, Int32(factor), &out, &err) }
        try ScanError.check(code, err)
        return GrayImage.adopt(&out)
    }

    /// The image as JPEG bytes: how pictures of noisy paper go into a PDF at a tenth of their lossless size.
    public func jpegData(quality: Int = 80) throws -> [UInt8] {
        var bytes: UnsafeMutablePointer<UInt8>?, count = 0, err = ds_error()
        let code = pixels.withUnsafeBufferPointer { ds_encode_jpeg($0.baseAddress, Int32(width), Int32(height), Int32(quality), &bytes, &count, &err) }
        try ScanError.check(code, err)
        defer { free(bytes) }
        return bytes.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    }

    /// Writes the image as PNG (or the format the extension names).
    public func writePNG(to path: String) throws {
        var err = ds_error()
        let code = pixels.withUnsafeBufferPointer { ds_write_image(path, $0.baseAddress, Int32(width), Int32(height), 1, &err) }
        try ScanError.check(code, err)
    }
}

/// Errors from the scan pipeline; each message names the file and says why.
public enum ScanError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case empty(String)
    case notAnImage(String)
    case tooLarge(String)
    case failed(String)

    public var description: String {
        switch self {
        case let .unreadable(m), let .empty(m), let .notAnImage(m), let .tooLarge(m), let .failed(m): return m
        }
    }

    /// The message without its leading "PATH: " when it names `path`: the reason alone, for a row of that file.
    public func reason(for path: String) -> String {
        description.hasPrefix(path + ": ") ? String(description.dropFirst(path.count + 2)) : description
    }

    /// Short status word for reports: unreadable, empty, not-an-image, too-large, failed.
    public var kind: String {
        switch self {
        case .unreadable: return "unreadable"
        case .empty: return "empty"
        case .notAnImage: return "not-an-image"
        case .tooLarge: return "too-large"
        case .failed: return "failed"
        }
    }

    /// Throws the shim's error for a non-zero status code, with its message.
    public static func check(_ code: Int32, _ err: ds_error) throws {
        guard code != 0 else { return }
        var e = err
        let message = withUnsafeBytes(of: &e.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch Int(code) {
        case Int(DS_ERR_IO): throw ScanError.unreadable(message)
        case Int(DS_ERR_EMPTY): throw ScanError.empty(message)
        case Int(DS_ERR_DECODE): throw ScanError.notAnImage(message)
        case Int(DS_ERR_TOO_LARGE): throw ScanError.tooLarge(message)
        default: throw ScanError.failed(message)
        }
    }
}
