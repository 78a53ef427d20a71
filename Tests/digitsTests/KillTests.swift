import Foundation
import XCTest

/// classify and merge killed (SIGKILL) at moments spread over their run: the output folder holds either no
/// results of the run or all of them, never a part passed off as the whole.
final class KillTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "kill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        let digits = try FileManager.default.contentsOfDirectory(atPath: samplesFolder).filter { $0.hasPrefix("digit_") }.sorted()
        for k in 0..<120 {
            let name = digits[k % digits.count]
            try FileManager.default.copyItem(atPath: samplesFolder + "/" + name, toPath: dir + "/in/\(k)." + (name as NSString).pathExtension)
        }
        try FileManager.default.copyItem(atPath: samplesFolder + "/row.png", toPath: dir + "/in/row.png")
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// Starts the binary, kills it after `delay` seconds; true if it was still running then.
    func kill(_ arguments: [String], after delay: Double) throws -> Bool {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("digits")
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: delay)
        let running = p.isRunning
        if running { Foundation.kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return running
    }

    /// The run's files in `out`: all there, each whole (the CSV has a row per input, the IDX its header's
    /// size), or none of them.
    func assertAllOrNothing(_ out: String, inputs: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let names = ["readings.csv", "predictions.csv", "predictions.jsonl", "samples-idx3-ubyte", "summary.json", "report.pdf"]
        let present = names.filter { FileManager.default.fileExists(atPath: out + "/" + $0) }
        guard !present.isEmpty else { return }
        guard FileManager.default.fileExists(atPath: out + "/summary.json") else {
            // Files are put in place one after another; summary.json comes after the tables, so a run killed in
            // between leaves whole tables and no summary: it did not claim to be done.
            for name in present where name.hasSuffix(".csv") {
                let rows = try String(contentsOfFile: out + "/" + name, encoding: .utf8).split(separator: "\n")
                XCTAssertGreaterThan(rows.count, 1, "\(name) was put in place empty", file: file, line: line)
            }
            return
        }
        XCTAssertEqual(present.count, names.count, "summary.json claims a finished run but \(Set(names).subtracting(present)) are missing",
                       file: file, line: line)
        let readings = try String(contentsOfFile: out + "/readings.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(readings.count, inputs + 1, "readings.csv has a row per input", file: file, line: line)
    }

    /// The kill moments are spread over the length of a whole run measured first on this machine, so a faster
    /// build or machine is still killed in the middle of its work.
    func testKilledClassifyLeavesAllOrNothing() throws {
        let arguments = ["classify", dir + "/in", "--quiet", "--threads", "1"]
        let started = Date()
        let whole = try runDigits(arguments + ["--out", dir + "/whole"])
        let length = Date().timeIntervalSince(started)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        try assertAllOrNothing(dir + "/whole", inputs: 121)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/whole/summary.json"), "the whole run finished")
        var killedWhileRunning = 0
        for (k, share) in [0.03, 0.15, 0.3, 0.5, 0.7, 0.9].enumerated() {
            let out = dir + "/out\(k)"
            if try kill(arguments + ["--out", out], after: share * length) { killedWhileRunning += 1 }
            try assertAllOrNothing(out, inputs: 121)
        }
        XCTAssertGreaterThan(killedWhileRunning, 2, "the run was too quick to be killed in the middle")
    }

    func testKilledMergeLeavesAllOrNothing() throws {
        for i in 1...2 {
            let r = try runDigits(["classify", dir + "/in", "--shard", "\(i)/2", "--out", dir + "/s\(i)", "--quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        for (k, delay) in [0.02, 0.1, 0.25, 0.5].enumerated() {
            let out = dir + "/merged\(k)"
            _ = try kill(["merge", dir + "/s1", dir + "/s2", "--out", out], after: delay)
            try assertAllOrNothing(out, inputs: 121)
        }
    }
}
