import DigitBatch
import DigitData
import DigitImage
import Foundation
import XCTest

final class MergeJobTests: FolderTestCase {

    func digit(_ file: String, _ index: Int, _ predicted: Int, truth: String?) -> ResultRow {
        ResultRow(file: file, status: .ok, index: index, line: 0, box: Box(x: 10 * index, y: 0, width: 8, height: 12),
                  predicted: predicted, confidence: 0.9876, top3: [.init(digit: predicted, p: 0.9876)], truth: truth)
    }

    /// A sample whose every byte says which digit row it belongs to.
    func sample(_ tag: UInt8) -> [UInt8] { [UInt8](repeating: tag, count: 784) }

    func shard(_ name: String, _ rows: [(ResultRow, UInt8?)]) throws -> String {
        let results = try BatchResults(folder: OutputFolder(dir + "/" + name, overwrite: false), labels: nil, rejectBelow: nil)
        for (row, tag) in rows {
            if let tag { results.recordMark(row, sample: sample(tag), crop: nil, multiDigit: false) } else { results.recordFile(row) }
        }
        try results.finish(seconds: 1.5, extra: ["model": "m.safetensors"])
        return dir + "/" + name
    }

    /// Two shards' rows come out as one result sorted by file and digit, each digit with its own sample,
    /// the counts and accuracy of the whole.
    func testMergeRoundTrip() throws {
        let s2 = try shard("s2", [(digit("b.png", 0, 4, truth: "4"), 1), (digit("b.png", 1, 2, truth: "3"), 2),
                                  (ResultRow(file: "c.png", status: .error, reason: "not an image"), nil)])
        let s1 = try shard("s1", [(digit("a.png", 0, 9, truth: "9"), 3),
                                  (ResultRow(file: "a0.png", status: .noDigit, truth: "5", reason: "no digit found"), nil)])
        let merged = try MergeJob.run([s2, s1], into: OutputFolder(dir + "/all", overwrite: false))
        XCTAssertEqual(merged.files, 4)
        XCTAssertEqual(merged.digits, 3)
        XCTAssertEqual(merged.failed, 1)
        XCTAssertEqual(merged.correct, 2)
        XCTAssertEqual(merged.labelled, 3)

        let rows = CSV.rows(try String(contentsOfFile: dir + "/all/predictions.csv", encoding: .utf8))
        XCTAssertEqual(rows.first, ResultRow.csvColumns)
        let decoded = rows.dropFirst().compactMap { ResultRow(csvFields: $0) }
        XCTAssertEqual(decoded, [digit("a.png", 0, 9, truth: "9"),
                                 ResultRow(file: "a0.png", status: .noDigit, truth: "5", reason: "no digit found"),
                                 digit("b.png", 0, 4, truth: "4"), digit("b.png", 1, 2, truth: "3"),
                                 ResultRow(file: "c.png", status: .error, reason: "not an image")])
        let (shape, samples) = try IDX.read(URL(fileURLWithPath: dir + "/all/samples-idx3-ubyte"), rank: 3)
        XCTAssertEqual(shape, [3, 28, 28])
        XCTAssertEqual([samples[0], samples[784], samples[2 * 784]], [3, 1, 2])
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/all/summary.json"))) as? [String: Any])
        XCTAssertEqual(summary["seconds"] as? Double, 3)
        XCTAssertEqual(summary["shards"] as? Int, 2)
        XCTAssertEqual(summary["model"] as? String, "m.safetensors")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/all/report.pdf"))
    }

    /// Before anything is written: a shard named twice, the output folder among the shards, a missing shard of
    /// the split; while merging: a file that two shards hold.
    func testMergesThatWouldLoseOrDoubleResultsAreRefused() throws {
        let s1 = try shard("s1", [(digit("a.png", 0, 9, truth: nil), 3)])
        let s2 = try shard("s2", [(digit("b.png", 0, 4, truth: nil), 1)])
        func reason(_ body: () throws -> Void) -> String {
            do { try body(); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertTrue(reason { try MergeJob.check([s1, s1], out: dir + "/all") }.contains("is named twice"))
        XCTAssertTrue(reason { try MergeJob.check([s1, s2], out: s2) }.contains("is also the --out folder"))
        XCTAssertEqual(reason { try MergeJob.check([s1, s2], out: dir + "/all") }, "accepted")
        for (dir, index) in [(s1, 1), (s2, 3)] {
            var summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) as? [String: Any])
            summary["shard"] = "\(index)/3"
            try JSONSerialization.data(withJSONObject: summary).write(to: URL(fileURLWithPath: dir + "/summary.json"))
        }
        XCTAssertTrue(reason { try MergeJob.check([s1, s2], out: dir + "/all") }.contains("shard 2/3 of the split is missing"))
        let again = try shard("s3", [(digit("a.png", 0, 9, truth: nil), 3)])
        XCTAssertTrue(reason { _ = try MergeJob.run([s1, again], into: OutputFolder(dir + "/all", overwrite: false)) }.contains("holds a.png, which"))
    }

    func testAFolderThatIsNoResultIsRefused() throws {
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        XCTAssertThrowsError(try MergeJob.run([dir + "/empty"], into: OutputFolder(dir + "/all", overwrite: false))) { error in
            guard case .notResults(let path, _)? = error as? BatchError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, dir + "/empty/predictions.csv")
        }
    }
}
