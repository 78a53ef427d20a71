import CCairo
import DigitImage
import Foundation

/// An RGB colour, components in [0, 1].
public struct Color: Sendable, Equatable {
    public var r: Double, g: Double, b: Double
    public init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
    public init(hex: UInt32) {
        self.init(Double(hex >> 16 & 255) / 255, Double(hex >> 8 & 255) / 255, Double(hex & 255) / 255)
    }

    public static let white = Color(1, 1, 1), black = Color(0, 0, 0)
    public static let text = Color(hex: 0x222222), grid = Color(hex: 0xDDDDDD), axis = Color(hex: 0x555555)
}

/// The Okabe–Ito palette: distinguishable with every common form of colour blindness.
public enum Palette {
    public static let orange = Color(hex: 0xE69F00), skyBlue = Color(hex: 0x56B4E9), green = Color(hex: 0x009E73)
    public static let yellow = Color(hex: 0xF0E442), blue = Color(hex: 0x0072B2), vermillion = Color(hex: 0xD55E00)
    public static let purple = Color(hex: 0xCC79A7), grey = Color(hex: 0x999999)
    /// Right, wrong and held for review, as frames in the grids.
    public static let right = green, wrong = vermillion, review = grey
    /// Marks read as not a digit, drawn apart from every reading.
    public static let notDigit = purple
    public static let series = [blue, orange, green, vermillion, purple, skyBlue]
}

/// Errors writing pictures and documents.
public enum ReportError: Error, CustomStringConvertible {
    case cairo(String, String)

    public var description: String {
        switch self { case let .cairo(path, why): return "\(path): cannot write: \(why)" }
    }
}

/// A Cairo drawing context over a PNG-bound image or a PDF page, with the few drawing verbs the reports use.
public final class Canvas {
    let cr: OpaquePointer
    public let width: Double
    public let height: Double

    init(surface: OpaquePointer, width: Double, height: Double) {
        cr = cairo_create(surface)
        self.width = width; self.height = height
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    }

    deinit { cairo_destroy(cr) }

    public func fill(_ color: Color) {
        set(color)
        cairo_paint(cr)
    }

    public func set(_ color: Color, alpha: Double = 1) { cairo_set_source_rgba(cr, color.r, color.g, color.b, alpha) }

    public func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: Color? = nil, stroke: Color? = nil, lineWidth: Double = 1) {
        cairo_rectangle(cr, x, y, w, h)
        if let fill { set(fill); if stroke != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) } }
        if let stroke { set(stroke); cairo_set_line_width(cr, lineWidth); cairo_stroke(cr) }
        if fill == nil && stroke == nil { cairo_new_path(cr) }
    }

    public func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, color: Color, width: Double = 1, dash: [Double] = []) {
        set(color)
        cairo_set_line_width(cr, width)
        cairo_set_dash(cr, dash, Int32(dash.count), 0)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    /// A polyline through points; nil points break it (skipped values).
    public func polyline(_ points: [(Double, Double)?], color: Color, width: Double = 2, dash: [Double] = []) {
        set(color)
        cairo_set_line_width(cr, width)
        cairo_set_dash(cr, dash, Int32(dash.count), 0)
        defer { cairo_set_dash(cr, nil, 0, 0) }
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        var drawing = false
        for p in points {
            guard let (x, y) = p else { drawing = false; continue }
            if drawing { cairo_line_to(cr, x, y) } else { cairo_move_to(cr, x, y); drawing = true }
        }
        cairo_stroke(cr)
    }

    public func circle(_ x: Double, _ y: Double, radius: Double, color: Color) {
        set(color)
        cairo_arc(cr, x, y, radius, 0, 2 * .pi)
        cairo_fill(cr)
    }

    public enum Align { case left, center, right }

    /// Draws text with its baseline at y; returns its width.
    @discardableResult
    public func text(_ s: String, x: Double, y: Double, size: Double, color: Color = .text, align: Align = .left,
                     bold: Bool = false, rotated: Bool = false, font: String = "DejaVu Sans") -> Double {
        cairo_select_font_face(cr, font, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        let dx: Double = align == .left ? 0 : align == .center ? -ext.x_advance / 2 : -ext.x_advance
        set(color)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if rotated { cairo_rotate(cr, -.pi / 2) }
        cairo_move_to(cr, dx, 0)
        cairo_show_text(cr, s)
        cairo_restore(cr)
        return ext.x_advance
    }

    public func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        return ext.x_advance
    }

    /// Draws a gray picture into (x, y, w, h); `smooth` false keeps pixels square (thumbnails of samples).
    /// `jpeg`, the same picture encoded as JPEG, is what a PDF embeds instead of the pixels.
    public func image(_ r: GrayImage, x: Double, y: Double, w: Double, h: Double, smooth: Bool = true, jpeg: [UInt8]? = nil) {
        guard r.width > 0, r.height > 0 else { return }
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, Int32(r.width)))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(r.width), Int32(r.height)) else { return }
        defer { cairo_surface_destroy(surface) }
        cairo_surface_flush(surface)
        if let data = cairo_image_surface_get_data(surface) {
            for yy in 0..<r.height {
                let row = (data + yy * stride).withMemoryRebound(to: UInt32.self, capacity: r.width) { $0 }
                for xx in 0..<r.width {
                    let v = UInt32(r.pixels[yy * r.width + xx])
                    row[xx] = 0xFF00_0000 | v << 16 | v << 8 | v
                }
            }
        }
        cairo_surface_mark_dirty(surface)
        if let jpeg, !jpeg.isEmpty, let copy = malloc(jpeg.count) {
            jpeg.withUnsafeBytes { if let base = $0.baseAddress { _ = memcpy(copy, base, jpeg.count) } }
            // Cairo frees the copy with the surface.
            cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, copy.assumingMemoryBound(to: UInt8.self),
                                        UInt(jpeg.count), { free($0) }, copy)
        }
        cairo_save(cr)
        cairo_rectangle(cr, x, y, w, h)
        cairo_clip(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, w / Double(r.width), h / Double(r.height))
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), smooth ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST)
        cairo_paint(cr)
        cairo_restore(cr)
    }
}

/// Draws on a white RGB image surface, then hands the finished surface to `use`; nil when Cairo has no surface.
private func drawnSurface<R>(width: Int, height: Int, _ draw: (Canvas) -> Void, _ use: (OpaquePointer) throws -> R) rethrows -> R? {
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else { return nil }
    defer { cairo_surface_destroy(surface) }
    do {
        let canvas = Canvas(surface: surface, width: Double(width), height: Double(height))
        canvas.fill(.white)
        draw(canvas)
    }
    cairo_surface_flush(surface)
    return try use(surface)
}

/// Renders one picture to a PNG file.
public func renderPNG(width: Int, height: Int, to path: String, _ draw: (Canvas) -> Void) throws {
    let written: Void? = try drawnSurface(width: width, height: height, draw) { try writePNG($0, to: path) }
    if written == nil { throw ReportError.cairo(path, "no surface") }
}

private func writePNG(_ surface: OpaquePointer, to path: String) throws {
    guard let bytes = PNGFile.encode(surface) else { throw ReportError.cairo(path, "the picture could not be encoded as PNG") }
    // Atomically: a temporary file beside the target, then a rename.
    let temporary = path + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
        throw ReportError.cairo(path, String(cString: strerror(errno)))
    }
    guard rename(temporary, path) == 0 else { unlink(temporary); throw ReportError.cairo(path, String(cString: strerror(errno))) }
}

/// Renders a picture in memory and returns it in gray (for making test and sample images).
public func renderImage(width: Int, height: Int, _ draw: (Canvas) -> Void) -> GrayImage {
    drawnSurface(width: width, height: height, draw) { grayPixels($0, width: width, height: height) }
        ?? GrayImage(width: width, height: height, pixels: [UInt8](repeating: 255, count: width * height))
}

private func grayPixels(_ surface: OpaquePointer, width: Int, height: Int) -> GrayImage {
    let stride = Int(cairo_image_surface_get_stride(surface))
    var pixels = [UInt8](repeating: 255, count: width * height)
    if let data = cairo_image_surface_get_data(surface) {
        for y in 0..<height {
            for x in 0..<width {
                let p = (data + y * stride + 4 * x).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
                let r = Double(p >> 16 & 255), g = Double(p >> 8 & 255), b = Double(p & 255)
                pixels[y * width + x] = UInt8((0.299 * r + 0.587 * g + 0.114 * b).rounded())
            }
        }
    }
    return GrayImage(width: width, height: height, pixels: pixels)
}

/// A multi-page PDF document, A4 portrait by default (595 x 842 points).
public final class PDFDocument {
    let surface: OpaquePointer
    let path: String, temporary: String
    public let pageWidth: Double, pageHeight: Double
    public private(set) var pages = 0

    public init(path: String, pageWidth: Double = 595, pageHeight: Double = 842) throws {
        self.path = path
        temporary = path + ".tmp-\(getpid())"
        self.pageWidth = pageWidth; self.pageHeight = pageHeight
        guard let s = cairo_pdf_surface_create(temporary, pageWidth, pageHeight), cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw ReportError.cairo(path, "cannot create PDF")
        }
        surface = s
    }

    /// Draws one page.
    public func page(_ draw: (Canvas) -> Void) {
        do {
            let canvas = Canvas(surface: surface, width: pageWidth, height: pageHeight)
            canvas.fill(.white)
            draw(canvas)
        }
        cairo_surface_show_page(surface)
        pages += 1
    }

    /// Finishes the file and puts it in place.
    public func close() throws {
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else { unlink(temporary); throw ReportError.cairo(path, String(cString: cairo_status_to_string(status))) }
        guard rename(temporary, path) == 0 else { throw ReportError.cairo(path, String(cString: strerror(errno))) }
    }
}
