import CCairo
@testable import DigitReport

/// A PNG read back through Cairo, for checking pixels.
struct PNGImage {
    let width: Int, height: Int
    let pixels: [UInt32]  // 0xRRGGBB

    init(_ path: String) {
        let surface = cairo_image_surface_create_from_png(path)!
        defer { cairo_surface_destroy(surface) }
        precondition(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, "\(path) is not a PNG Cairo can read")
        width = Int(cairo_image_surface_get_width(surface)); height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var out = [UInt32]()
        for y in 0..<height {
            let row = (data + y * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
            for x in 0..<width { out.append(row[x] & 0xFFFFFF) }
        }
        pixels = out
    }

    subscript(x: Int, y: Int) -> UInt32 { pixels[y * width + x] }

    /// How many pixels are within `tolerance` of colour c on each channel.
    func count(_ c: Color, tolerance: Int = 24) -> Int {
        let r = Int(c.r * 255), g = Int(c.g * 255), b = Int(c.b * 255)
        return pixels.filter { p in
            abs(Int(p >> 16 & 255) - r) <= tolerance && abs(Int(p >> 8 & 255) - g) <= tolerance && abs(Int(p & 255) - b) <= tolerance
        }.count
    }

    static func hex(_ c: Color) -> UInt32 {
        UInt32((c.r * 255).rounded()) << 16 | UInt32((c.g * 255).rounded()) << 8 | UInt32((c.b * 255).rounded())
    }
}
