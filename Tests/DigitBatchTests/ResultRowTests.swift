import DigitBatch
import DigitImage
import Foundation
import XCTest

final class ResultRowTests: XCTestCase {
    let digit = ResultRow(file: "scans/a,b \"q\".png", status: .review, index: 2, line: 1, box: Box(x: 3, y: 4, width: 5, height: 6),
                          predicted: 7, confidence: 0.61234, top3: [.init(digit: 7, p: 0.61234), .init(digit: 1, p: 0.3), .init(digit: 2, p: 0.01)],
                          truth: "7")

    /// Names with separators, quotes and line breaks survive a CSV round trip; the other columns too.
    func testCSVEscapingRoundTrips() {
        let names = ["plain.png", "a,b.png", "say \"hi\".png", "two\nlines.png", "all, \"of\"\nthem.png", "carriage\rreturn.png",
                     "crlf\r\n.png"]
        for name in names {
            var row = digit
            row.file = name
            let parsed = CSV.rows(ResultRow.csvHeader + row.csvLine)
            XCTAssertEqual(parsed.count, 2, name)
            XCTAssertEqual(parsed[0], ResultRow.csvColumns)
            XCTAssertEqual(parsed[1][0], name)
            var expected = row
            expected.confidence = 0.6123  // four decimals in the CSV
            expected.top3[0].p = 0.6123
            XCTAssertEqual(ResultRow(csvFields: parsed[1]), expected, name)
        }
    }

    func testDigitRowColumns() {
        XCTAssertEqual(digit.csvFields, ["scans/a,b \"q\".png", "2", "1", "3", "4", "5", "6", "7", "0.6123",
                                         "7:0.6123;1:0.3000;2:0.0100", "review", "7", "true", ""])
        XCTAssertEqual(digit.csvLine.split(separator: ",").first, "\"scans/a")
        XCTAssertEqual(digit.correct, true)
    }

    /// The JSON line holds what the CSV holds, typed; a file row leaves out what it does not have.
    func testJSONLines() throws {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: digit.jsonLine) as? [String: Any])
        XCTAssertEqual(object["file"] as? String, digit.file)
        XCTAssertEqual(object["predicted"] as? Int, 7)
        XCTAssertEqual(object["confidence"] as? Double, 0.6123)
        XCTAssertEqual(object["truth"] as? Int, 7)
        XCTAssertEqual(object["correct"] as? Bool, true)
        XCTAssertEqual(object["status"] as? String, "review")
        XCTAssertEqual((object["top3"] as? [[String: Any]])?.count, 3)

        let failed = ResultRow(file: "x.png", status: .error, truth: "3", reason: "not an image")
        let f = try XCTUnwrap(JSONSerialization.jsonObject(with: failed.jsonLine) as? [String: Any])
        XCTAssertEqual(Set(f.keys), ["file", "status", "reason"])
        XCTAssertEqual(failed.csvFields, ["x.png", "", "", "", "", "", "", "", "", "", "error", "3", "", "not an image"])
        let none = ResultRow(file: "y.png", status: .noDigit, truth: "12", reason: "no digit found")
        let n = try XCTUnwrap(JSONSerialization.jsonObject(with: none.jsonLine) as? [String: Any])
        XCTAssertEqual(n["truth"] as? String, "12")
        XCTAssertEqual(n["status"] as? String, "no-digit")
    }

    func testRowsThatAreNotResultsAreRefused() {
        XCTAssertNil(ResultRow(csvFields: ["x.png", "0"]))
        var fields = digit.csvFields
        fields[10] = "maybe"
        XCTAssertNil(ResultRow(csvFields: fields))
        fields[10] = "ok"
        fields[7] = "seven"
        XCTAssertNil(ResultRow(csvFields: fields))
    }
}
