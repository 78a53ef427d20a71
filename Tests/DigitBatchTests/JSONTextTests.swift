@testable import DigitBatch
import Foundation
import XCTest

final class JSONTextTests: XCTestCase {
    /// Any file name survives the trip through JSON: quotes, backslashes, control characters, other scripts.
    func testStringsAreEscaped() throws {
        let name = "scans/\"a\"\\b\n\t\u{1}é 数字 🙂.png"
        var o = JSONText()
        o.set("file", name)
        o.set("missing", nil as String?)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(o.text.utf8)) as? [String: Any])
        XCTAssertEqual(object["file"] as? String, name)
        XCTAssertEqual(Array(object.keys), ["file"])
    }

    /// Keys come sorted; probabilities are rounded to four decimals without trailing zeros.
    func testKeysSortedAndNumbersShort() {
        var o = JSONText()
        o.set("z", 3)
        o.set("a", true)
        o.set("p", probability: 0.99995)
        o.set("q", probability: 0.5)
        o.set("r", probability: 1)
        o.set("s", probability: 0.00001)
        XCTAssertEqual(o.text, #"{"a":true,"p":1,"q":0.5,"r":1,"s":0,"z":3}"#)
        XCTAssertEqual(JSONText.number(0.61234), "0.6123")
    }
}
