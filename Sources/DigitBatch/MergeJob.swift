import DigitData
import Foundation

/// Joins the output folders of `digits classify --shard I/N` runs into one result with one report.
public enum MergeJob {
    /// A row of a shard with its 28x28 sample (digit rows only).
    struct Entry {
        var row: ResultRow
        var sample: [UInt8]?
        var digit: Int { row.index ?? -1 }
    }

    /// Checks, before anything is written, that `shards` can be merged into `out`: each is the finished output
    /// of `digits classify`, none is named twice or is `out` itself, and when they were made with `--shard I/N`
    /// every one of the N is there.
    public static func check(_ shards: [String], out: String) throws {
        func real(_ p: String) -> String { URL(fileURLWithPath: p).resolvingSymlinksInPath().standardizedFileURL.path }
        var seen = [String: String](), indices = [Int: Set<Int>]()
        for dir in shards {
            let r = real(dir)
            if let first = seen[r] { throw BatchError.notResults(path: dir, reason: "is named twice (also as \(first))") }
            seen[r] = dir
            guard r != real(out) else {
                throw BatchError.notResults(path: dir, reason: "is also the --out folder; merge into another folder")
            }
            let summary = try summary(of: dir)
            if let text = summary["shard"] as? String, let s = Shard(text) { indices[s.count, default: []].insert(s.index) }
        }
        guard indices.count <= 1 else {
            throw BatchError.notResults(path: shards[0], reason: "the shards come from splits into different numbers (\(indices.keys.sorted().map(String.init).joined(separator: ", ")))")
        }
        if let (count, have) = indices.first {
            let missing = Set(1...count).subtracting(have).sorted()
            guard missing.isEmpty else {
                throw BatchError.notResults(path: shards[0], reason: "shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) of the split \(missing.count > 1 ? "are" : "is") missing")
            }
        }
    }

    /// A shard's summary.json; it is written last, so a shard without one did not finish.
    static func summary(of dir: String) throws -> [String: Any] {
        let path = (dir as NSString).appendingPathComponent("summary.json")
        guard let data = FileManager.default.contents(atPath: path),
              let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BatchError.notResults(path: path, reason: "cannot read (is \(dir) the finished output of digits classify?)")
        }
        return summary
    }

    /// Reads every shard's rows and samples, writes them sorted by file and digit into `folder`, copies the
    /// page overlays and finishes the run there. Throws `BatchError.notResults` for a folder that is not
    /// the output of `digits classify`, or when two shards hold the same file. Call `check` first.
    public static func run(_ shards: [String], into folder: OutputFolder) throws -> BatchResults {
        var entries = [Entry](), readings = [FileReading](), owner = [String: String]()
        var seconds = 0.0, models = Set<String>(), engines = Set<String>(), reject: Double?, mismatches = 0
        for dir in shards {
            let rows = try read(dir)
            for file in Set(rows.map(\.row.file)) {
                if let other = owner[file] { throw BatchError.notResults(path: dir, reason: "holds \(file), which \(other) holds too") }
                owner[file] = dir
            }
            entries += rows
            readings += try readReadings(dir)
            let summary = try summary(of: dir)
            seconds += summary["seconds"] as? Double ?? 0
            if let m = summary["model"] as? String { models.insert(m) }
            if let e = summary["engine"] as? String { engines.insert(e) }
            if let r = summary["reject_below"] as? Double { reject = r }
            mismatches += summary["files_with_digit_count_unlike_label"] as? Int ?? 0
            try copyPages(from: dir, to: folder)
        }
        entries.sort { ($0.row.file, $0.digit) < ($1.row.file, $1.digit) }
        let multiDigit = Set(entries.filter { $0.digit == 1 }.map(\.row.file))
        let results = try BatchResults(folder: folder, labels: nil, rejectBelow: reject)
        var lastFile: String?
        for e in entries {
            if e.row.status.isMark {
                if e.row.file != lastFile { results.files += 1 }
                results.recordMark(e.row, sample: e.sample ?? [UInt8](repeating: 0, count: 784), crop: nil,
                                    multiDigit: multiDigit.contains(e.row.file))
            } else {
                results.recordFile(e.row, withReading: false)
            }
            lastFile = e.row.file
        }
        for r in readings.sorted(by: { $0.file < $1.file }) { results.recordReading(r) }
        results.countMismatches = mismatches
        try results.finish(seconds: seconds, extra: ["shards": shards.count, "model": models.sorted().joined(separator: ", "),
                                                     "engine": engines.sorted().joined(separator: ", ")])
        return results
    }

    /// The rows of one shard's predictions.csv, each digit with its sample from samples-idx3-ubyte.
    static func read(_ dir: String) throws -> [Entry] {
        let rows = try table(dir, "predictions.csv", columns: ResultRow.csvColumns)
        let (_, samples) = try IDX.read(URL(fileURLWithPath: (dir as NSString).appendingPathComponent("samples-idx3-ubyte")), rank: 3)
        var entries = [Entry](), next = 0
        for fields in rows.dropFirst() {
            guard let row = ResultRow(csvFields: fields) else { continue }
            var sample: [UInt8]?
            if row.status.isMark {
                guard (next + 1) * 784 <= samples.count else {
                    throw BatchError.notResults(path: dir, reason: "samples-idx3-ubyte holds fewer samples than predictions.csv has digits")
                }
                sample = Array(samples[(next * 784)..<((next + 1) * 784)])
                next += 1
            }
            entries.append(Entry(row: row, sample: sample))
        }
        return entries
    }

    /// The rows of one shard's readings.csv.
    static func readReadings(_ dir: String) throws -> [FileReading] {
        try table(dir, "readings.csv", columns: FileReading.csvColumns).dropFirst().compactMap { FileReading(csvFields: $0) }
    }

    /// The rows of the CSV file `name` of a shard, header first; it must have `columns`.
    static func table(_ dir: String, _ name: String, columns: [String]) throws -> [[String]] {
        let path = (dir as NSString).appendingPathComponent(name)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BatchError.notResults(path: path, reason: "cannot read (is \(dir) the output of digits classify?)")
        }
        let rows = CSV.rows(text)
        guard rows.first == columns else { throw BatchError.notResults(path: path, reason: "not a digits \(name)") }
        return rows
    }

    /// Page overlays are copied as they are.
    static func copyPages(from dir: String, to folder: OutputFolder) throws {
        let pages = (dir as NSString).appendingPathComponent("pages")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: pages) else { return }
        try FileManager.default.createDirectory(atPath: folder.file("pages"), withIntermediateDirectories: true)
        for name in names where !FileManager.default.fileExists(atPath: folder.file("pages/\(name)")) {
            try FileManager.default.copyItem(atPath: (pages as NSString).appendingPathComponent(name), toPath: folder.file("pages/\(name)"))
        }
    }
}
