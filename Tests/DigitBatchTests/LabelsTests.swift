import DigitBatch
import Foundation
import XCTest

final class LabelsTests: FolderTestCase {

    func write(_ text: String) throws -> String {
        let path = dir + "/labels.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A label is found by the path as written, by the path relative to the labels file, and by file name.
    func testLabelsMatchByPathAndByName() throws {
        let path = try write("file,label\n# a comment\n\nscans/one.png,1\n\"two.png\",42\n")
        let labels = try Labels(csv: path)
        XCTAssertEqual(labels.label(for: "scans/one.png"), "1")
        XCTAssertEqual(labels.label(for: dir + "/scans/one.png"), "1")
        XCTAssertEqual(labels.label(for: "elsewhere/two.png"), "42")
        XCTAssertNil(labels.label(for: "three.png"))
    }

    func testBadLinesNameTheFileAndLine() throws {
        let path = try write("file,label\nok.png,3\nbad.png,3a\n")
        XCTAssertThrowsError(try Labels(csv: path)) { error in
            XCTAssertEqual(error as? BatchError, .labels(path: path, line: 3, reason: "label '3a' is not a string of digits (lines separated by /)"))
        }
        XCTAssertThrowsError(try Labels(csv: dir + "/missing.csv")) { error in
            XCTAssertEqual("\(error)", dir + "/missing.csv: cannot read labels")
        }
    }

    func testLabelsFromNames() {
        let labels = Labels(fromNames: true)
        XCTAssertEqual(labels.label(for: "a/b/7_x.png"), "7")
        XCTAssertNil(labels.label(for: "a/b/x7.png"))
    }
}
