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
        let path = try write("file,label\r\n# a comment\r\n\r\nscans/one.png,1\r\n\"two.png\",42\n")
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

    /// Two files of one name in different folders get their own labels by path; a bare name that several
    /// entries share matches nothing, and is reported.
    func testSameNameInTwoFoldersIsMatchedByPath() throws {
        let path = try write("file,label\na/x.png,3\nb/x.png,7\n")
        let labels = try Labels(csv: path)
        XCTAssertEqual(labels.label(for: dir + "/a/x.png"), "3")
        XCTAssertEqual(labels.label(for: dir + "/b/./x.png"), "7")
        XCTAssertNil(labels.label(for: dir + "/c/x.png"))
        XCTAssertEqual(labels.ambiguousNames, ["x.png"])
        let one = try Labels(csv: try write("a/x.png,3\n"))
        XCTAssertNil(one.label(for: dir + "/b/y.png"))
        XCTAssertEqual(one.label(for: dir + "/b/x.png"), "3", "a unique bare name still matches")
    }

    /// Line numbers count blank and comment lines; quoted names are unescaped; a first line that is neither
    /// a header nor an entry, and a file labelled twice differently, are errors.
    func testLabelFileDetails() throws {
        let quoted = try Labels(csv: try write("file,label\n\n\"a, \"\"b\"\".png\",12/3\n"))
        XCTAssertEqual(quoted.label(for: dir + "/a, \"b\".png"), "12/3")
        XCTAssertThrowsError(try Labels(csv: try write("\n# c\n\nx.png,9\ny.png,9x\n"))) { error in
            XCTAssertEqual((error as? BatchError).map { "\($0)" }, dir + "/labels.csv:5: label '9x' is not a string of digits (lines separated by /)")
        }
        XCTAssertThrowsError(try Labels(csv: try write("x.png,3a\ny.png,4\n")))
        XCTAssertThrowsError(try Labels(csv: try write("x.png,3\nx.png,4\n"))) { error in
            XCTAssertEqual((error as? BatchError).map { "\($0)" }, dir + "/labels.csv:2: x.png is labelled '3' on line 1 and '4' here")
        }
        XCTAssertEqual(try Labels(csv: try write("x.png,3\nx.png,3\n")).label(for: dir + "/x.png"), "3")
    }

    func testLabelsFromNames() {
        let labels = Labels(fromNames: true)
        XCTAssertEqual(labels.label(for: "a/b/7_x.png"), "7")
        XCTAssertNil(labels.label(for: "a/b/x7.png"))
    }
}
