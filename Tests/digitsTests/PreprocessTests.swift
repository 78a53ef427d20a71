import Foundation
import XCTest

final class PreprocessTests: XCTestCase {
    /// `preprocess` writes every stage and reads each sample as `classify` does: its label's digits, lines
    /// apart by "/", no class index of "not a digit" among them.
    func testStagesAndTheSameReadingAsClassify() throws {
        let dir = NSTemporaryDirectory() + "preprocess-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let labels = try String(contentsOfFile: samplesFolder + "/labels.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(labels.count, 15)
        for entry in labels {
            let (name, label) = (entry[0], entry[1])
            let r = try runDigits(["preprocess", samplesFolder + "/" + name, "--out", dir + "/" + name])
            XCTAssertEqual(r.status, 0, r.stderr)
            let reading = try XCTUnwrap(r.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
            XCTAssertEqual(reading.filter { $0 != "/" }, label, "\(name): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains(" \(label.count) digit(s)"), r.stdout)
            for stage in ["1-gray", "2-lit", "3-binary", "4-deskewed", "5-lines-removed", "6-boxes", "7-samples"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/\(name)/\(stage).png"), "\(name): \(stage)")
            }
        }
        // The form's ten digits stand in three lines, read as such.
        let form = try runDigits(["preprocess", samplesFolder + "/form.png", "--out", dir + "/form"])
        XCTAssertTrue(form.stdout.hasSuffix(": 471/903/8526\n"), form.stdout)
    }
}
