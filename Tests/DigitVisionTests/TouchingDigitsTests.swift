@testable import DigitVision
import DigitImage
import DigitNet
import XCTest

final class TouchingDigitsTests: XCTestCase {
    /// A reader's row for digit `d` read with probability `p` (the rest spread over the other digits), as
    /// `byLine` makes it for a page model of 12 classes.
    func readerRow(_ d: Int, _ p: Float) -> [Float] {
        var row = [Float](repeating: (1 - p) / 9, count: MarkClasses.pageModel)
        row[MarkClasses.notDigit] = 0; row[MarkClasses.severalDigits] = 0
        row[d] = p
        return row
    }

    func pageRow(_ d: Int, _ p: Float) -> [Float] {
        var row = [Float](repeating: (1 - p) / 11, count: MarkClasses.pageModel)
        row[d] = p
        return row
    }

    /// The page model's word turns an unsure reading of the reader and not a sure one; probabilities stay a
    /// distribution, and an end read as a sign keeps its share of "not a digit".
    func testPageModelSecondsTheReader() throws {
        let part = { (row: [Float]) in TouchingDigits.Part(box: Box(x: 0, y: 0, width: 10, height: 20), sample: [], probabilities: row) }
        var sign = readerRow(2, 0.5).map { $0 * 0.25 }
        sign[MarkClasses.notDigit] = 0.75
        let parts = [part(readerRow(7, 0.6)), part(readerRow(7, 0.99)), part(sign)]
        let page = [pageRow(1, 0.99), pageRow(1, 0.9), pageRow(2, 0.99)]
        let out = TouchingDigits.seconded(parts, pageRows: page)
        let rows = try out.map { try XCTUnwrap($0.probabilities) }
        XCTAssertEqual(MarkClasses.reading(rows[0]), 1)
        XCTAssertEqual(MarkClasses.reading(rows[1]), 7)
        for r in rows { XCTAssertEqual(r.reduce(0, +), 1, accuracy: 1e-5) }
        XCTAssertEqual(rows[2][MarkClasses.notDigit], 0.75, accuracy: 1e-6)
        XCTAssertEqual(MarkClasses.reading(rows[2]), MarkClasses.notDigit)
        XCTAssertGreaterThan(rows[2][2], sign[2])
    }

    /// The first or last digit of a reading that the page model surely reads as no digit is an amount's sign,
    /// unless the reader is all but certain of it; inside the reading it stays a digit.
    func testSureNoDigitAtAnEndIsASign() throws {
        let part = { (row: [Float]) in TouchingDigits.Part(box: Box(x: 0, y: 0, width: 10, height: 20), sample: [], probabilities: row) }
        var other = pageRow(2, 0.02)
        other[MarkClasses.notDigit] = 0.95
        let rows = { (reader: [[Float]], page: [[Float]]) throws -> [[Float]] in
            try TouchingDigits.seconded(reader.map(part), pageRows: page).map { try XCTUnwrap($0.probabilities) }
        }
        let ended = try rows([readerRow(4, 0.99), readerRow(0, 0.98), readerRow(2, 0.94)], [pageRow(4, 0.98), pageRow(0, 0.9), other])
        XCTAssertEqual(ended.map { MarkClasses.reading($0) }, [4, 0, MarkClasses.notDigit])
        XCTAssertEqual(ended[2].reduce(0, +), 1, accuracy: 1e-5)
        let sure = try rows([readerRow(4, 0.99), readerRow(0, 0.98), readerRow(2, 0.995)], [pageRow(4, 0.98), pageRow(0, 0.9), other])
        XCTAssertEqual(sure.map { MarkClasses.reading($0) }, [4, 0, 2])
        let inside = try rows([readerRow(4, 0.99), readerRow(0, 0.9), readerRow(2, 0.94)], [pageRow(4, 0.98), other, pageRow(2, 0.9)])
        XCTAssertEqual(inside.map { MarkClasses.reading($0) }, [4, 0, 2])
        let short = try rows([readerRow(4, 0.99), readerRow(2, 0.94)], [pageRow(4, 0.98), other])
        XCTAssertEqual(short.map { MarkClasses.reading($0) }, [4, 2])
    }
}
