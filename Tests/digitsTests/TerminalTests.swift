import Foundation
import XCTest

/// What a person sees on a terminal: `digits classify` run in a pseudo-terminal (util-linux `script`).
final class TerminalTests: XCTestCase {
    func runInTerminal(_ arguments: [String]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no /usr/bin/script for a pseudo-terminal") }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("digits").path
        let quoted = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", quoted, "/dev/null"]
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// On a terminal: each file's reading on its own line, a progress bar redrawn in place, and the summary;
    /// `--quiet` leaves the readings alone.
    func testReadingsAndProgressOnATerminal() throws {
        let dir = NSTemporaryDirectory() + "terminal-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let shown = try runInTerminal(["classify", samplesFolder + "/row.png", samplesFolder + "/digit_3.png", "--out", dir + "/a"])
        XCTAssertTrue(shown.contains("row.png: 31415926 (ok"), shown)
        XCTAssertTrue(shown.contains("digit_3.png: 3 (ok"), shown)
        XCTAssertTrue(shown.contains("\r\u{1B}[K["), "the bar is redrawn in place")
        XCTAssertTrue(shown.contains("files 2/2"), shown)
        XCTAssertTrue(shown.contains("2 files, 9 digits in"), shown)
        let quiet = try runInTerminal(["classify", samplesFolder + "/row.png", "--out", dir + "/b", "--quiet"])
        XCTAssertTrue(quiet.contains("row.png: 31415926 (ok"), quiet)
        XCTAssertFalse(quiet.contains("files 1/1"), quiet)
        XCTAssertFalse(quiet.contains("1 files"), quiet)
    }
}
