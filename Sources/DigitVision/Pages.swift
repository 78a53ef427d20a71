import CPoppler
import DigitImage
import DigitShim
import Foundation

/// Files of several pages: PDFs, each page rasterised by poppler onto a Cairo surface at a given resolution,
/// and multi-page TIFFs, each page decoded by OpenCV. Every page is read as a scan of its own.
public enum Pages {
    /// Resolution PDF pages are rasterised at unless the caller says otherwise: a scan's usual.
    public static let defaultDPI = 300.0

    /// The formats that can hold several pages.
    public enum Kind: Sendable { case pdf, tiff }

    /// A PDF or a TIFF, by the file's first bytes (one read, however many files a run lists); nil for any
    /// other file, or one that cannot be opened.
    public static func kind(_ path: String) -> Kind? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var b = [UInt8](repeating: 0, count: 5)
        let n = b.withUnsafeMutableBytes { read(fd, $0.baseAddress, 5) }
        if n == 5 && b == Array("%PDF-".utf8) { return .pdf }
        if n >= 4 && (b[0..<4] == [0x49, 0x49, 0x2a, 0] || b[0..<4] == [0x4d, 0x4d, 0, 0x2a]) { return .tiff }
        return nil
    }

    /// Whether the file is a PDF (by its first bytes).
    public static func isPDF(_ path: String) -> Bool { kind(path) == .pdf }

    /// Whether the file is a TIFF (by its first bytes), the image format that holds pages.
    public static func isTIFF(_ path: String) -> Bool { kind(path) == .tiff }

    /// The number of pages of a PDF or a TIFF.
    public static func count(_ path: String) throws -> Int {
        if isPDF(path) {
            let doc = try PDFDocument(path)
            return Int(poppler_document_get_n_pages(doc.pointer))
        }
        var n: Int32 = 0, err = ds_error()
        ds_quiet()
        try ScanError.check(ds_count_pages(path, &n, &err), err)
        return Int(n)
    }

    /// Page `page` (from 1) of a PDF, rasterised at `dpi`, or of a TIFF, as gray.
    public static func load(_ path: String, page: Int, dpi: Double = defaultDPI,
                            maxPixels: Int = Decoder.defaultMaxPixels) throws -> GrayImage {
        if isPDF(path) { return try PDFDocument(path).render(page: page, dpi: dpi, maxPixels: maxPixels) }
        let pages = try count(path)
        guard (1...pages).contains(page) else { throw ScanError.notAnImage("\(path): has no page \(page) (it has \(pages))") }
        var out = ds_image(), err = ds_error()
        ds_quiet()
        try ScanError.check(ds_decode_page(path, Int32(page - 1), Int64(maxPixels), &out, &err), err)
        return GrayImage.adopt(&out)
    }
}

/// An open PDF (poppler's document), closed when the value goes.
final class PDFDocument {
    let pointer: OpaquePointer
    let path: String

    init(_ path: String) throws {
        self.path = path
        var error: UnsafeMutablePointer<GError>?
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let uri = g_filename_to_uri(absolute, nil, &error) else {
            throw ScanError.unreadable("\(path): \(Self.message(error))")
        }
        defer { g_free(uri) }
        guard let doc = poppler_document_new_from_file(uri, nil, &error) else {
            throw ScanError.notAnImage("\(path): not a PDF that can be read (\(Self.message(error)))")
        }
        pointer = doc
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(pointer)) }

    static func message(_ error: UnsafeMutablePointer<GError>?) -> String {
        guard let error else { return "unknown error" }
        defer { g_error_free(error) }
        return error.pointee.message.map { String(cString: $0) } ?? "unknown error"
    }

    /// Page `page` (from 1) drawn on white at `dpi`, as gray; refused before drawing when over `maxPixels`.
    func render(page: Int, dpi: Double, maxPixels: Int) throws -> GrayImage {
        let count = Int(poppler_document_get_n_pages(pointer))
        guard (1...max(1, count)).contains(page), let p = poppler_document_get_page(pointer, Int32(page - 1)) else {
            throw ScanError.notAnImage("\(path): has no page \(page) (it has \(count))")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(p)) }
        var w = 0.0, h = 0.0
        poppler_page_get_size(p, &w, &h)
        let scale = dpi / 72
        let pw = Int((w * scale).rounded(.up)), ph = Int((h * scale).rounded(.up))
        guard pw > 0, ph > 0 else { throw ScanError.notAnImage("\(path): page \(page) has no size") }
        guard pw * ph <= maxPixels else {
            throw ScanError.tooLarge("\(path): page \(page) at \(Int(dpi)) dpi is \(pw)x\(ph) pixels, over the limit of \(maxPixels); give a lower --dpi")
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(pw), Int32(ph)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ScanError.tooLarge("\(path): page \(page) cannot be drawn at \(pw)x\(ph) pixels")
        }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        poppler_page_render(p, cr)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else {
            throw ScanError.notAnImage("\(path): page \(page) could not be drawn")
        }
        let stride = Int(cairo_image_surface_get_stride(surface))
        var pixels = [UInt8](repeating: 255, count: pw * ph)
        for y in 0..<ph {
            let row = data + y * stride
            for x in 0..<pw {
                // RGB24 in native order: blue, green, red, unused.
                let b = Int(row[4 * x]), g = Int(row[4 * x + 1]), r = Int(row[4 * x + 2])
                pixels[y * pw + x] = UInt8((299 * r + 587 * g + 114 * b + 500) / 1000)
            }
        }
        return GrayImage(width: pw, height: ph, pixels: pixels)
    }
}
