import CCairo
@testable import DigitReport
import XCTest

final class PNGFileTests: XCTestCase {
    /// A picture written as PNG reads back through Cairo's own PNG reader (libpng, which checks the zlib
    /// stream's checksum and every chunk's CRC) pixel for pixel as drawn: colours, a gradient across rows and
    /// columns (every byte value, so the row filter wraps), odd sizes; one within a batch of rows given to the
    /// compressor, one over many batches.
    func testWrittenPNGReadsBackExactly() throws {
        for (w, h) in [(257, 33), (1031, 517)] { try writtenPNGReadsBack(w, h) }
    }

    func writtenPNGReadsBack(_ w: Int, _ h: Int) throws {
        let path = NSTemporaryDirectory() + "pngfile-\(getpid()).png"
        defer { unlink(path) }
        let draw = { (c: Canvas) in
            for x in 0..<w {
                c.line(Double(x) + 0.5, 0, Double(x) + 0.5, Double(h), color: Color(Double(x % 256) / 255, Double(255 - x % 256) / 255, 0.5))
            }
            c.rect(10, 5, 40, 20, fill: .white)
            c.circle(200, 16, radius: 9, color: Color(hex: 0x1A2B3C))
        }
        try renderPNG(width: w, height: h, to: path, draw)
        let read = PNGImage(path)
        XCTAssertEqual(read.width, w)
        XCTAssertEqual(read.height, h)
        // The same drawing in memory, straight from Cairo's surface.
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h)) else { return XCTFail("no surface") }
        defer { cairo_surface_destroy(surface) }
        let c = Canvas(surface: surface, width: Double(w), height: Double(h))
        c.fill(.white)
        draw(c)
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)), data = try XCTUnwrap(cairo_image_surface_get_data(surface))
        var mismatches = 0
        for y in 0..<h {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<w where row[x] & 0xFFFFFF != read[x, y] { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0)
        XCTAssertEqual(read[30, 15], 0xFFFFFF)
        XCTAssertEqual(read[200, 16], 0x1A2B3C)
    }
}
