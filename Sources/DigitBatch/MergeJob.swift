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

    /// Reads every shard's rows and samples, writes them sorted by file and digit into `folder`, copies the
    /// page overlays and finishes the run there. Throws `BatchError.notResults` for a folder that is not
    /// the output of `digits classify`.
    public static func run(_ shards: [String], into folder: OutputFolder) throws -> BatchResults {
        var entries = [Entry](), readings = [FileReading]()
        var seconds = 0.0, models = Set<String>(), reject: Double?
        for dir in shards {
            entries += try read(dir)
            readings += try readReadings(dir)
            if let data = FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent("summary.json")),
               let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                seconds += summary["seconds"] as? Double ?? 0
                if let m = summary["model"] as? String { models.insert(m) }
                if let r = summary["reject_below"] as? Double { reject = r }
            }
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
        try results.finish(seconds: seconds, extra: ["shards": shards.count, "model": models.sorted().joined(separator: ", ")])
        return results
    }

    /// The rows of one shard's predictions.csv, each digit with its sample from samples-idx3-ubyte.
    static func read(_ dir: String) throws -> [Entry] {
        let csvPath = (dir as NSString).appendingPathComponent("predictions.csv")
        guard let text = try? String(contentsOfFile: csvPath, encoding: .utf8) else {
            throw BatchError.notResults(path: csvPath, reason: "cannot read (is \(dir) the output of digits classify?)")
        }
        let rows = CSV.rows(text)
        guard rows.first == ResultRow.csvColumns else { throw BatchError.notResults(path: csvPath, reason: "not a digits predictions.csv") }
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
        let path = (dir as NSString).appendingPathComponent("readings.csv")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BatchError.notResults(path: path, reason: "cannot read (is \(dir) the output of digits classify?)")
        }
        let rows = CSV.rows(text)
        guard rows.first == FileReading.csvColumns else { throw BatchError.notResults(path: path, reason: "not a digits readings.csv") }
        return rows.dropFirst().compactMap { FileReading(csvFields: $0) }
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
