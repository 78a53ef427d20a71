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

    /// A line of writing that rises across its mark is straightened: its slope is found, and in its strip
    /// every digit stands on the same rows, as the reader was trained; a line that is level, or one or two
    /// digits, is left as it is.
    func testASlopingLineIsStraightened() throws {
        // Five dark blocks 20x30, each 6 pixels lower than the last: a slope of 6/55.
        var page = GrayImage(width: 300, height: 100, value: 255)
        var labels = [Int32](repeating: 0, count: 300 * 100)
        for k in 0..<5 {
            for y in (20 + 6 * k)..<(50 + 6 * k) { for x in (20 + 55 * k)..<(40 + 55 * k) { page[x, y] = 0; labels[y * 300 + x] = 1 } }
        }
        let region = DigitRegion(box: Box(x: 20, y: 20, width: 240, height: 54), labels: [1], area: 3000, line: 0, cell: nil)
        let isInk = { (x: Int, y: Int) in labels[y * 300 + x] != 0 }
        XCTAssertEqual(LineStrip.slope(of: region.box, isInk: isInk), 6.0 / 55, accuracy: 0.01)
        // The rows each block's middle column is inked on, in the strip: the same for all five.
        let strip = try XCTUnwrap(LineStrip.make(region, lit: page, labels: labels))
        let rows = (0..<5).map { k -> [Int] in
            let column = strip.pageColumns(0..<strip.width).lowerBound  // page column of strip column 0
            let x = Int((Double(30 + 55 * k) - Double(column)) / strip.scale)
            return (0..<LineStrip.height).filter { strip.pixels[$0 * strip.width + x] > 0.5 }
        }
        for r in rows { XCTAssertEqual(Double(r.first ?? -9), Double(rows[0].first ?? 9), accuracy: 1); XCTAssertEqual(r.count, rows[0].count, accuracy: 2) }
        XCTAssertGreaterThanOrEqual(rows[0].count, 16, "the blocks fill the strip's 20 ink rows, not a band the slope widens")
        // Level blocks, and two blocks alone, have no slope to take.
        let level = { (x: Int, y: Int) in y >= 20 && y < 50 && (x - 20) % 55 < 20 }
        XCTAssertEqual(LineStrip.slope(of: Box(x: 20, y: 20, width: 240, height: 30), isInk: level), 0)
        XCTAssertEqual(LineStrip.slope(of: Box(x: 20, y: 20, width: 75, height: 36), isInk: isInk), 0)
    }
}
