@testable import DigitVision
import DigitImage
@testable import DigitNet
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

    /// Two square blobs of ink 30 px a side on a 200x80 page, side by side on one line, each its own
    /// component (labels 1 and 2): the page, its labels and the two marks.
    func twoBlobs() -> (GrayImage, [Int32], [DigitRegion]) {
        let boxes = [Box(x: 20, y: 20, width: 30, height: 30), Box(x: 120, y: 20, width: 30, height: 30)]
        var labels = [Int32](repeating: 0, count: 200 * 80)
        for (k, b) in boxes.enumerated() { for y in b.y..<b.maxY { for x in b.x..<b.maxX { labels[y * 200 + x] = Int32(k + 1) } } }
        let lit = GrayImage(width: 200, height: 80, pixels: labels.map { $0 == 0 ? 255 : 0 })
        return (lit, labels, boxes.enumerated().map { DigitRegion(box: $1, labels: [Int32($0 + 1)], area: 900, line: 0, cell: nil) })
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
        let page = [pageRow(1, 0.99), pageRow(1, 0.9), pageRow(2, 0.45)]
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

    /// An end the reader was unsure of (made a sign) is the page model's digit when the page model reads its
    /// part as one; a page model that reads it as no digit, or as no digit surely, leaves it a sign.
    func testUnsureEndThePageModelReadsAsADigitIsThatDigit() throws {
        let part = { (row: [Float]) in TouchingDigits.Part(box: Box(x: 0, y: 0, width: 10, height: 20), sample: [], probabilities: row) }
        var sign = readerRow(8, 0.4).map { $0 * 0.2 }
        sign[MarkClasses.notDigit] = 0.8
        var dash = pageRow(2, 0.05)
        dash[MarkClasses.notDigit] = 0.9
        let rows = { (page: [Float]) throws -> [Int] in
            try TouchingDigits.seconded([part(self.readerRow(3, 0.99)), part(self.readerRow(5, 0.98)), part(sign)],
                                        pageRows: [self.pageRow(3, 0.99), self.pageRow(5, 0.97), page])
                .map { MarkClasses.reading(try XCTUnwrap($0.probabilities)) }
        }
        XCTAssertEqual(try rows(pageRow(5, 0.85)), [3, 5, 5])
        XCTAssertEqual(try rows(dash), [3, 5, MarkClasses.notDigit])
        XCTAssertEqual(try rows(pageRow(5, 0.4)), [3, 5, MarkClasses.notDigit])
    }

    /// A mark alone on its line that the line reader finds no digit in and the page model reads as a digit
    /// unsurely is no digit; read surely, or read by the reader, or beside another mark on its line, it stays
    /// the page model's digit.
    func testLoneUnsureMarkTheReaderFindsNoDigitInIsNoDigit() throws {
        let (lit, labels, regions) = twoBlobs()
        func readings(_ regions: [DigitRegion], page p: Float, reader: [CTC.Label]) throws -> [Int] {
            let row = pageRow(0, p)
            let split = try TouchingDigits.split(regions, samples: regions.map { _ in [Float](repeating: 0, count: 784) }, lit: lit,
                                                 labels: labels, style: SampleStyle(),
                                                 read: { rows in rows.map { _ in row } },
                                                 readLine: { strips in strips.map { _ in reader } })
            return try split.map { parts in MarkClasses.reading(try XCTUnwrap(try XCTUnwrap(parts).first?.probabilities)) }
        }
        let zero = CTC.Label(label: 0, frames: 2..<4, probability: 0.95)
        XCTAssertEqual(try readings([regions[0]], page: 0.7, reader: []), [MarkClasses.notDigit])
        XCTAssertEqual(try readings([regions[0]], page: 0.95, reader: []), [0])
        XCTAssertEqual(try readings([regions[0]], page: 0.7, reader: [zero]), [0])
        XCTAssertEqual(try readings(regions, page: 0.7, reader: []), [0, 0])
        var apart = regions
        apart[1].line = 1
        XCTAssertEqual(try readings(apart, page: 0.7, reader: []), [MarkClasses.notDigit, MarkClasses.notDigit])
    }

    /// A wide mark the page model reads as no digit, though below `MarkClasses.otherAt`, is no digit when the
    /// line reader finds no digit in it either, beside other marks too (a scribble, a flourish); where the
    /// reader finds a digit, the page model's likeliest digit stands.
    func testAMarkNeitherNetworkReadsAsADigitIsNoDigit() throws {
        let (lit, labels, regions) = twoBlobs()
        // Not a digit at 0.5, below the bar of 0.6; its likeliest digit a 6 at 0.3.
        let row: [Float] = (0..<MarkClasses.pageModel).map { $0 == MarkClasses.notDigit ? 0.5 : $0 == 6 ? 0.3 : 0.02 }
        XCTAssertEqual(MarkClasses.reading(row), 6)
        func readings(reader: [CTC.Label]) throws -> [Int] {
            let split = try TouchingDigits.split(regions, samples: regions.map { _ in [Float](repeating: 0, count: 784) }, lit: lit,
                                                 labels: labels, style: SampleStyle(),
                                                 read: { rows in rows.map { _ in row } },
                                                 readLine: { strips in strips.map { _ in reader } })
            return try split.map { parts in MarkClasses.reading(try XCTUnwrap(try XCTUnwrap(parts).first?.probabilities)) }
        }
        XCTAssertEqual(try readings(reader: []), [MarkClasses.notDigit, MarkClasses.notDigit])
        XCTAssertEqual(try readings(reader: [CTC.Label(label: 6, frames: 2..<4, probability: 0.6)]), [6, 6])
    }
}
