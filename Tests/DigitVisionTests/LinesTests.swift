import DigitImage
@testable import DigitVision
import XCTest

final class LinesTests: XCTestCase {
    /// Runs along rows and columns, with gaps of up to two pixels bridged and longer gaps breaking the run.
    func testLongRunsInRowsAndColumns() {
        var rows = GrayImage(width: 40, height: 10, value: 0)
        for x in 2..<32 where x != 10 && x != 20 { rows[x, 4] = 255 }  // 30 long, two one-pixel gaps
        XCTAssertTrue(RuledLines.hasLongRun(rows, 30))
        XCTAssertFalse(RuledLines.hasLongRun(rows, 31))

        var columns = GrayImage(width: 10, height: 40, value: 0)
        for y in 0..<40 where !(17...19).contains(y) { columns[6, y] = 255 }  // broken by a gap of three
        XCTAssertFalse(RuledLines.hasLongRun(columns, 24))
        XCTAssertTrue(RuledLines.hasLongRun(columns, 20))
        XCTAssertFalse(RuledLines.hasLongRun(GrayImage(width: 50, height: 50, value: 0), 8))
    }

    /// Two parallel thin lines are ruling and are found whole; one alone is kept as ink (it may be a 1),
    /// and a thick bar is not a line.
    func testRulingNeedsTwoThinParallelLines() throws {
        var page = GrayImage(width: 200, height: 120, value: 0)
        for x in 10..<190 { page[x, 30] = 255; page[x, 80] = 255 }
        for y in 40..<70 { for x in 90..<96 { page[x, y] = 255 } }  // a short thick stroke
        let ruled = try RuledLines.find(in: page)
        XCTAssertEqual(ruled.horizontalCount, 2)
        XCTAssertEqual(ruled.verticalCount, 0)
        XCTAssertEqual(ruled.mask[100, 30], 255)
        XCTAssertEqual(ruled.mask[92, 50], 0)
        let cleaned = ruled.removed(from: page)
        XCTAssertEqual(cleaned[100, 80], 0)
        XCTAssertEqual(cleaned[92, 50], 255)

        var single = GrayImage(width: 200, height: 120, value: 0)
        for x in 10..<190 { single[x, 60] = 255 }
        XCTAssertEqual(try RuledLines.find(in: single).horizontalCount, 0)
    }

    /// Long strokes of digits are not ruling: two 1s side by side, and a 2's base drawn twice over, a few
    /// pixels apart, are kept as ink.
    func testDigitStrokesAreNotRuling() throws {
        var ones = GrayImage(width: 400, height: 260, value: 0)
        for y in 40..<220 { for x in 118..<122 { ones[x, y] = 255 }; for x in 262..<266 { ones[x, y] = 255 } }
        let onesFound = try RuledLines.find(in: ones)
        XCTAssertEqual(onesFound.verticalCount, 0)
        XCTAssertEqual(onesFound.removed(from: ones)[120, 100], 255)

        var base = GrayImage(width: 257, height: 261, value: 0)
        for x in 64..<224 { for y in 192..<195 { base[x, y] = 255 } }
        for x in 48..<80 { base[x, 199] = 255 }
        XCTAssertEqual(try RuledLines.find(in: base).horizontalCount, 0)

        // The same strokes as ruling: many of them, each far longer than the spacing.
        var ruled = GrayImage(width: 400, height: 260, value: 0)
        for y in stride(from: 20, to: 260, by: 40) { for x in 5..<395 { ruled[x, y] = 255 } }
        XCTAssertEqual(try RuledLines.find(in: ruled).horizontalCount, 6)

        // A grid whose vertical lines are cut into cell-long pieces: short, but lines run both ways.
        var grid = GrayImage(width: 640, height: 430, value: 0)
        for y in [70, 180, 290, 400] { for x in 40..<600 { grid[x, y] = 255 } }
        for x in stride(from: 40, through: 600, by: 112) {
            for top in [74, 184, 294] { for y in top..<(top + 100) { grid[x, y] = 255 } }
        }
        let found = try RuledLines.find(in: grid)
        XCTAssertEqual(found.horizontalCount, 4)
        XCTAssertEqual(found.verticalCount, 18)
        XCTAssertEqual(found.grid?.columns.count, 6)
    }

    /// "18 × 5" drawn with a thin pen and set straight: the 1 is a long vertical line, the bars of the 5 and
    /// the foot of the 8 horizontal ones, lines both ways and spread out, but none meets another: no grid, and
    /// nothing is removed.
    func testThinPenDigitsAreNoGrid() throws {
        var page = GrayImage(width: 449, height: 294, value: 0)
        func fill(_ x: Int, _ y: Int, _ w: Int, _ h: Int) { for yy in y..<(y + h) { for xx in x..<(x + w) { page[xx, yy] = 255 } } }
        fill(79, 93, 4, 125)                                                // the 1
        fill(314, 93, 65, 2); fill(321, 130, 50, 2); fill(325, 189, 36, 1)  // the 5's bars
        fill(383, 141, 1, 37)                                               // the 5's belly
        fill(134, 211, 52, 1)                                               // the 8's foot
        let found = try RuledLines.find(in: page)
        XCTAssertEqual(found.horizontalCount + found.verticalCount, 0)
        let ink = { (image: GrayImage) in image.pixels.filter { $0 != 0 }.count }
        XCTAssertEqual(ink(found.removed(from: page)), ink(page))
    }

    /// A dense form: 46 rows of cells, each row under 3 % of the page's smaller side apart (a 600-dpi A4 form
    /// read at half size): every row line is its own row.
    func testDenseGridKeepsEveryRow() throws {
        let rows = 47, columns = 26, spacingY = 28, spacingX = 46, margin = 20
        var page = GrayImage(width: 2 * margin + (columns - 1) * spacingX + 2, height: 2 * margin + (rows - 1) * spacingY + 2, value: 0)
        for r in 0..<rows { for x in margin...(margin + (columns - 1) * spacingX) { for t in 0..<2 { page[x, margin + r * spacingY + t] = 255 } } }
        for c in 0..<columns { for y in margin...(margin + (rows - 1) * spacingY) { for t in 0..<2 { page[margin + c * spacingX + t, y] = 255 } } }
        let grid = try XCTUnwrap(RuledLines.find(in: page).grid)
        XCTAssertEqual(grid.rows.count, rows)
        XCTAssertEqual(grid.columns.count, columns)
    }
}
