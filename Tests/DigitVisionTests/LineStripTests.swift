@testable import DigitVision
import DigitImage
import XCTest

final class LineStripTests: XCTestCase {
    /// A mark is fitted to 20 of the strip's 28 rows, its width scaled alike, a margin of blank columns on each
    /// side; strip columns map back to the page columns they came from.
    func testGeometry() throws {
        // A page with a dark bar of 80x40 pixels at (30, 10).
        var page = GrayImage(width: 200, height: 60, value: 255)
        for y in 10..<50 { for x in 30..<110 { page[x, y] = 0 } }
        let strip = try XCTUnwrap(LineStrip.make(page, box: Box(x: 30, y: 10, width: 80, height: 40)) { _, _ in true })
        XCTAssertEqual(strip.width, 40 + 2 * LineStrip.margin)
        XCTAssertEqual(strip.pixels.count, 28 * strip.width)
        // Rows 4..<24 are ink, the rest blank; the margins are blank.
        XCTAssertEqual(strip.pixels[14 * strip.width + strip.width / 2], 1)
        XCTAssertEqual(strip.pixels[1 * strip.width + strip.width / 2], 0)
        XCTAssertEqual(strip.pixels[14 * strip.width + 2], 0)
        let ink = (0..<strip.width).filter { strip.pixels[14 * strip.width + $0] > 0.5 }
        XCTAssertEqual(ink.first, LineStrip.margin)
        XCTAssertEqual(ink.last, LineStrip.margin + 39)
        XCTAssertEqual(strip.pageColumns(LineStrip.margin..<(LineStrip.margin + 20)), 30..<70)
    }

    /// Thin strokes are widened to about MNIST's width, and faint ink is stretched to full.
    func testThinFaintStrokesAreEvened() throws {
        var page = GrayImage(width: 100, height: 100, value: 255)
        for y in 10..<90 { page[50, y] = 100 }  // a faint one-pixel line, 80 high
        let strip = try XCTUnwrap(LineStrip.make(ofInk: page))
        let row = (0..<strip.width).map { strip.pixels[14 * strip.width + $0] }
        XCTAssertEqual(row.max(), 1, "stretched to full ink")
        XCTAssertGreaterThanOrEqual(row.filter { $0 > 0.5 }.count, 2, "widened")
    }
}
