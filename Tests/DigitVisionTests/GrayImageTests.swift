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
}
