import DigitImage
@testable import DigitVision
import XCTest

final class GrayImageTests: XCTestCase {
    /// Shrinking by a whole factor gives the mean of each block and drops the columns and rows left over.
    func testShrinkAveragesWholeBlocks() throws {
        // 7 x 5: values x * 10 + y * 40; by 2 → 3 x 2 (column 6 and row 4 dropped).
        let values: [Int] = (0..<35).map { i in (i % 7) * 10 + (i / 7) * 40 }
        let image = GrayImage(width: 7, height: 5, pixels: values.map { UInt8($0) })
        let small = try image.shrunk(by: 2)
        XCTAssertEqual(small.width, 3)
        XCTAssertEqual(small.height, 2)
        // Block (0,0): (0 + 10 + 40 + 50) / 4 = 25; each block right adds 20, each block down adds 80.
        XCTAssertEqual(small.pixels, [25, 45, 65, 105, 125, 145])
        XCTAssertThrowsError(try image.shrunk(by: 0))
        XCTAssertThrowsError(try image.shrunk(by: 6))
    }

    /// Reducing to a scale that is not a whole fraction gives exactly the size asked for; a flat image stays
    /// flat, and a one-pixel line on a flat page survives as a darker band where it was.
    func testReducedToAnyScale() throws {
        var page = GrayImage(width: 600, height: 450, value: 200)
        for x in 0..<600 { page[x, 300] = 0 }
        let small = try page.reduced(to: 0.37)
        XCTAssertEqual(small.width, 222)
        XCTAssertEqual(small.height, 166)
        XCTAssertEqual(small[100, 10], 200)
        XCTAssertEqual(small[100, 160], 200)
        let column = (0..<166).map { Int(small[100, $0]) }
        let darkest = column.indices.min { column[$0] < column[$1] }!
        XCTAssertEqual(Double(darkest), 300 * 0.37, accuracy: 1.5)
        XCTAssertLessThan(column[darkest], 170)
    }

    /// Area-averaged reduction by a large factor (block means by a power of two, then area resampling): the
    /// exact size asked for, each pixel within two gray levels of the true mean of its area (computed here),
    /// and a page of 16-pixel tiles reduced 16 times gives each tile's value exactly.
    func testAreaReductionByALargeFactor() throws {
        var state: UInt32 = 11
        let (w, h) = (1700, 1234)
        let page = GrayImage(width: w, height: h, pixels: (0..<(w * h)).map { (i: Int) -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            // Smooth shading plus noise, as a photographed page has.
            let shade: Int = (i % w) / 10 + (i / w) / 12
            return UInt8(clamping: shade + Int(state >> 28))
        })
        let (sw, sh) = (100, 72)
        let small = try page.resized(width: sw, height: sh)
        XCTAssertEqual(small.width, sw)
        XCTAssertEqual(small.height, sh)
        var worst = 0.0
        for y in 0..<sh {
            for x in 0..<sw {
                // The true mean over the pixels whose centres fall in this output pixel's area.
                let x0 = x * w / sw, x1 = (x + 1) * w / sw, y0 = y * h / sh, y1 = (y + 1) * h / sh
                var sum = 0
                for yy in y0..<y1 { for xx in x0..<x1 { sum += Int(page[xx, yy]) } }
                worst = max(worst, abs(Double(small[x, y]) - Double(sum) / Double((x1 - x0) * (y1 - y0))))
            }
        }
        XCTAssertLessThanOrEqual(worst, 2)

        func tile(_ x: Int, _ y: Int) -> UInt8 { UInt8((x * 13 + y * 7) % 256) }
        let tiles = GrayImage(width: 320, height: 160, pixels: (0..<(320 * 160)).map { (i: Int) -> UInt8 in tile(i % 320 / 16, i / 320 / 16) })
        let reduced = try tiles.resized(width: 20, height: 10)
        for y in 0..<10 { for x in 0..<20 { XCTAssertEqual(reduced[x, y], tile(x, y)) } }
    }
}
