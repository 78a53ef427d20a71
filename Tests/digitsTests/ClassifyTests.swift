import Foundation
import XCTest

/// Runs the `digits` binary built beside this test bundle. Every case has a time limit: a run that has not
/// finished by then is killed and the test fails (a hang is a failure, never a stuck suite).
func runDigits(_ arguments: [String], in directory: String? = nil,
               timeLimit: Double = 300) throws -> (status: Int32, stdout: String, stderr: String) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("digits")
    let p = Process()
    p.executableURL = binary
    p.arguments = arguments
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let finished = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in finished.signal() }
    try p.run()
    let collected = Collected()
    let readers = DispatchGroup()
    DispatchQueue.global().async(group: readers) { collected.set(out: out.fileHandleForReading.readDataToEndOfFile()) }
    DispatchQueue.global().async(group: readers) { collected.set(err: err.fileHandleForReading.readDataToEndOfFile()) }
    if finished.wait(timeout: .now() + timeLimit) == .timedOut {
        kill(p.processIdentifier, SIGKILL)
        finished.wait()
        XCTFail("digits \(arguments.joined(separator: " ")) did not finish within \(Int(timeLimit)) s")
    }
    readers.wait()
    return (p.terminationStatus, String(decoding: collected.out, as: UTF8.self), String(decoding: collected.err, as: UTF8.self))
}

/// What a child process wrote, gathered by two readers.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var out = Data(), err = Data()
    func set(out data: Data) { lock.lock(); out = data; lock.unlock() }
    func set(err data: Data) { lock.lock(); err = data; lock.unlock() }
}

/// The repository's samples/ folder.
let samplesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("samples").path

final class ClassifyTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "classify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/in/sub", withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func rows(_ out: String) throws -> [[String]] {
        try String(contentsOfFile: out + "/predictions.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// A file read alone has every core for its scan and for the networks that read its marks; what it
    /// reads is the same, to the last digit of every confidence, as on one thread: numbers of touching
    /// digits (the synthetic benchmark's), which the line reader reads.
    func testOneFileReadsTheSameOnEveryThreadCount() throws {
        guard ProcessInfo.processInfo.environment["DIGITS_DATA"] != nil else { throw XCTSkip("DIGITS_DATA not set") }
        let made = try runDigits(["synth", "benchmark", "--count", "6", "--out", dir + "/bench"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let touching = try FileManager.default.contentsOfDirectory(atPath: dir + "/bench").filter { $0.hasSuffix("touching.png") }
        XCTAssertEqual(touching.count, 3)
        for name in touching {
            var predictions = [String]()
            for threads in ["1", "2"] {
                let out = dir + "/out-\(name)-\(threads)"
                let r = try runDigits(["classify", dir + "/bench/" + name, "--out", out, "--threads", threads, "--quiet"])
                XCTAssertEqual(r.status, 0, r.stderr)
                predictions.append(try String(contentsOfFile: out + "/predictions.csv", encoding: .utf8))
            }
            XCTAssertGreaterThan(predictions[0].split(separator: "\n").count, 2, name)
            XCTAssertEqual(predictions[0], predictions[1], name)
        }
    }

    /// Good images among empty, truncated, corrupt, non-image and unreadable files and a symlink loop:
    /// every good image read, every bad one listed with its reason, nothing lost, exit status 1.
    func testBadInputsAreReportedAndTheRestRead() throws {
        let fm = FileManager.default
        let good = ["digit_3.png", "digit_7.png", "digit_8.jpg"]
        for name in good { try fm.copyItem(atPath: samplesFolder + "/" + name, toPath: dir + "/in/" + name) }
        try fm.copyItem(atPath: samplesFolder + "/row.png", toPath: dir + "/in/sub/row.png")
        let png = try Data(contentsOf: URL(fileURLWithPath: samplesFolder + "/digit_3.png"))
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/empty.png", contents: Data()))
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/truncated.png", contents: png.prefix(png.count / 3)))
        var corrupt = png
        for i in 30..<200 { corrupt[i] = UInt8(i % 256) }
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/corrupt.png", contents: corrupt))
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/notes.png", contents: Data("not an image\n".utf8)))
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/.hidden.png", contents: png))
        try fm.createSymbolicLink(atPath: dir + "/in/sub/loop", withDestinationPath: dir + "/in")
        try fm.createSymbolicLink(atPath: dir + "/in/dangling.png", withDestinationPath: dir + "/nowhere.png")
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/locked.png", contents: png))
        chmod(dir + "/in/locked.png", 0)
        let root = getuid() == 0  // root reads files whatever their mode

        let r = try runDigits(["classify", dir + "/in", "--out", dir + "/out", "--quiet"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let rows = try rows(dir + "/out")
        func status(_ name: String) -> [String] { rows.filter { $0[0].hasSuffix("/" + name) }.map { $0[10] } }
        for name in good { XCTAssertEqual(status(name), ["ok"], name) }
        XCTAssertEqual(status("sub/row.png"), Array(repeating: "ok", count: 8))
        for name in ["empty.png", "truncated.png", "corrupt.png", "notes.png", "dangling.png", "loop"] {
            XCTAssertEqual(status(name), ["error"], name)
        }
        XCTAssertEqual(status("locked.png"), root ? ["ok"] : ["error"])
        XCTAssertTrue(status(".hidden.png").isEmpty, "hidden files are skipped")
        XCTAssertTrue(rows.first { $0[0].hasSuffix("/empty.png") }![13].contains("empty file"))
        XCTAssertTrue(rows.first { $0[0].hasSuffix("/loop") }![13].contains("symlink loop"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/summary.json"))) as! [String: Any]
        XCTAssertEqual(summary["files"] as? Int, 11)
        XCTAssertEqual(summary["files_failed"] as? Int, root ? 6 : 7)
        XCTAssertEqual((summary["errors"] as? [Any])?.count, root ? 6 : 7)
        // The stderr holds one line per failed file, naming it, and nothing from libpng or OpenCV.
        XCTAssertFalse(r.stderr.contains("libpng"), r.stderr)
        XCTAssertFalse(r.stderr.contains("imdecode"), r.stderr)
        XCTAssertTrue(r.stderr.contains("empty.png: empty file"), r.stderr)
    }

    func testUsageErrorsExitTwoAndOldResultsAreNotMixed() throws {
        XCTAssertEqual(try runDigits(["classify", samplesFolder, "--reject-below", "2", "--out", dir + "/o"]).status, 2)
        XCTAssertEqual(try runDigits(["classify", samplesFolder + "/digit_3.png", "--out", dir + "/o", "--quiet"]).status, 0)
        let again = try runDigits(["classify", samplesFolder + "/digit_3.png", "--out", dir + "/o", "--quiet"])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("--overwrite"), again.stderr)
        XCTAssertEqual(try runDigits(["classify", samplesFolder + "/digit_3.png", "--out", dir + "/o", "--quiet", "--overwrite"]).status, 0)
    }

    /// The README's first command: every sample read right with the bundled model, every output written.
    func testSamplesAreAllReadRight() throws {
        let r = try runDigits(["classify", samplesFolder, "--labels", samplesFolder + "/labels.csv", "--out", dir + "/s", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/s/summary.json"))) as! [String: Any]
        XCTAssertEqual(summary["accuracy"] as? Double, 1.0, "\(summary)")
        XCTAssertEqual(summary["labelled_digits"] as? Int, 50)
        XCTAssertEqual(summary["files_with_digit_count_unlike_label"] as? Int, 0)
        for name in ["predictions.csv", "predictions.jsonl", "summary.json", "predictions.png", "misclassified.png",
                     "confusion.png", "report.pdf", "samples-idx3-ubyte", "pages/samples_form.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/s/" + name), name)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/s").filter { $0.contains("partial") }
        XCTAssertEqual(leftovers, [])
        try checkReport(dir + "/s/report.pdf")
    }

    /// The report, read back by poppler's own tools: a summary naming the model by file and checksum, the
    /// table of readings, the confusion matrix and the pages, each titled with its reading (lines split by
    /// `/`); a few hundred KB (pages embedded as JPEG).
    func checkReport(_ pdf: String) throws {
        func tool(_ name: String, _ arguments: [String]) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/" + name)
            p.arguments = arguments
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else { throw XCTSkip("poppler-utils not installed") }
        let text = try tool("pdftotext", ["-layout", pdf, "-"])
        for expected in ["digits classify", "default.safetensors (sha256 ", "Readings", "samples/row.png", "31415926",
                         "Confusion matrix", "row.png: 31415926", "form.png: 471/903/8526"] {
            XCTAssertTrue(text.contains(expected), "report.pdf lacks \(expected)")
        }
        let pages = try tool("pdfinfo", [pdf]).split(separator: "\n").first { $0.hasPrefix("Pages:") }
        XCTAssertGreaterThanOrEqual(Int(pages?.split(separator: " ").last ?? "") ?? 0, 8)
        let size = try FileManager.default.attributesOfItem(atPath: pdf)[.size] as? Int ?? 0
        XCTAssertLessThan(size, 500_000, "report.pdf is \(size) bytes")
    }

    /// A label with a digit the page lacks, or without one the page has, costs that one digit: the digits read
    /// after the slip meet their own truths (row.png reads 31415926, board.png 2024).
    func testALabelOneDigitOffMarksOneMistake() throws {
        try "file,label\nrow.png,3141926\nboard.png,20274\n".write(toFile: dir + "/labels.csv", atomically: true, encoding: .utf8)
        for name in ["row.png", "board.png"] {
            try FileManager.default.copyItem(atPath: samplesFolder + "/" + name, toPath: dir + "/in/" + name)
        }
        let r = try runDigits(["classify", dir + "/in", "--labels", dir + "/labels.csv", "--out", dir + "/o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let digits = try rows(dir + "/o").filter { $0[10] == "ok" }
        let row = digits.filter { $0[0].hasSuffix("row.png") }, board = digits.filter { $0[0].hasSuffix("board.png") }
        XCTAssertEqual(row.map { $0[7] }, ["3", "1", "4", "1", "5", "9", "2", "6"])
        XCTAssertEqual(row.map { $0[11] }, ["3", "1", "4", "1", "", "9", "2", "6"], "the extra 5 has no truth")
        XCTAssertEqual(board.map { $0[11] }, ["2", "0", "2", "4"], "the 7 the page lacks is skipped")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/o/summary.json"))) as! [String: Any]
        XCTAssertEqual(summary["labelled_digits"] as? Int, 11)
        XCTAssertEqual(summary["accuracy"] as? Double, 1.0, "\(summary)")
        XCTAssertEqual(summary["files_with_digit_count_unlike_label"] as? Int, 2)
    }

    /// Two shards merged give the same predictions as one run.
    func testShardsMergeToTheWholeRun() throws {
        XCTAssertEqual(try runDigits(["classify", samplesFolder, "--out", dir + "/all", "--quiet"]).status, 0)
        for i in 1...3 {
            XCTAssertEqual(try runDigits(["classify", samplesFolder, "--shard", "\(i)/3", "--out", dir + "/s\(i)", "--quiet"]).status, 0)
        }
        XCTAssertEqual(try runDigits(["merge", dir + "/s1", dir + "/s2", dir + "/s3", "--out", dir + "/merged"]).status, 0)
        XCTAssertEqual(try rows(dir + "/merged").map { Array($0.prefix(11)) }, try rows(dir + "/all").map { Array($0.prefix(11)) })
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/all/samples-idx3-ubyte"))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/merged/samples-idx3-ubyte"))
        XCTAssertEqual(a, b)
    }

    /// A path that does not exist, or folders with no image file, stop the run before anything is written
    /// (exit 2); a broken GIF is listed with the reason it is not read.
    func testNothingToReadWritesNothing() throws {
        let missing = try runDigits(["classify", dir + "/nowhere", "--out", dir + "/out1"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("nowhere: no such file or folder"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out1"))
        let empty = try runDigits(["classify", dir + "/in", "--out", dir + "/out2"])
        XCTAssertEqual(empty.status, 2)
        XCTAssertTrue(empty.stderr.contains("no image files in"), empty.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out2"))
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/in/a.gif", contents: Data("GIF89a".utf8)))
        let gif = try runDigits(["classify", dir + "/in", "--out", dir + "/out3", "--quiet"])
        XCTAssertEqual(gif.status, 1)
        XCTAssertTrue(try String(contentsOfFile: dir + "/out3/readings.csv", encoding: .utf8).contains("a.gif,,,,0,0,error"))
    }

    /// A file named on the command line whose name is not UTF-8 gets a row saying so (the program only sees the
    /// name with its bytes replaced), and the other files are read.
    func testNameThatIsNotUTF8GetsARow() throws {
        try FileManager.default.copyItem(atPath: samplesFolder + "/digit_3.png", toPath: dir + "/in/ok.png")
        let raw = Array((dir + "/in/bad").utf8) + [0xff, 0xfe] + Array(".png".utf8) + [0]
        let png = try Data(contentsOf: URL(fileURLWithPath: samplesFolder + "/digit_3.png"))
        let fd = raw.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = png.withUnsafeBytes { write(fd, $0.baseAddress, png.count) }
        close(fd)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("digits").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "\"$0\" classify \"$(printf 'bad\\377\\376.png')\" ok.png --out ../out --quiet >/dev/null 2>&1", binary]
        p.currentDirectoryURL = URL(fileURLWithPath: dir + "/in")
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1)
        let rows = try rows(dir + "/out")
        XCTAssertEqual(rows.map { $0[0] }, ["bad\\xff\\xfe.png", "ok.png"])
        XCTAssertEqual(rows.map { $0[10] }, ["error", "ok"])
    }

    /// A device and FIFOs, named or inside a folder, are never opened (reading one could block for ever): the
    /// run finishes within its time limit and lists each one it was asked to read as an error.
    func testDevicesAndFIFOsNeverHang() throws {
        try FileManager.default.copyItem(atPath: samplesFolder + "/digit_3.png", toPath: dir + "/in/ok.png")
        XCTAssertEqual(mkfifo(dir + "/in/pipe", 0o644), 0)
        XCTAssertEqual(mkfifo(dir + "/in/pipe.png", 0o644), 0)
        let r = try runDigits(["classify", dir + "/in", "/dev/null", "--out", dir + "/out", "--quiet"], timeLimit: 60)
        XCTAssertEqual(r.status, 1)
        let rows = try rows(dir + "/out")
        XCTAssertEqual(rows.map { ($0[0] as NSString).lastPathComponent }, ["null", "ok.png", "pipe.png"])
        XCTAssertEqual(rows.map { $0[10] }, ["error", "ok", "error"])
        XCTAssertTrue(rows[0].last?.contains("a device") == true, rows[0].joined(separator: ","))
    }
}
