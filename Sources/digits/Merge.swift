import ArgumentParser
import DigitData
import DigitVision
import Foundation

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the outputs of `digits classify --shard I/N` runs into one result with one report.")

    @Argument(help: "The shard output folders.")
    var shards: [String]

    @Option(help: "Output folder.")
    var out: String = "digits-out"

    @Flag(help: "Replace the results of an earlier run in --out.")
    var overwrite = false

    func run() throws {
        let folder: OutputFolder
        do { folder = try OutputFolder(out, overwrite: overwrite) } catch { printError("\(error)"); throw ExitCode(2) }
        struct Entry { var file: String; var digit: Int; var fields: [String]; var sample: [UInt8]? }
        var entries = [Entry]()
        var seconds = 0.0, models = Set<String>(), reject: Double?
        for dir in shards {
            let csvPath = (dir as NSString).appendingPathComponent("predictions.csv")
            guard let text = try? String(contentsOfFile: csvPath, encoding: .utf8) else {
                printError("\(csvPath): cannot read (is \(dir) the output of digits classify?)")
                throw ExitCode(1)
            }
            let rows = parseCSV(text)
            guard rows.first == BatchResults.csvHeader.dropLast().split(separator: ",").map(String.init) else {
                printError("\(csvPath): not a digits predictions.csv")
                throw ExitCode(1)
            }
            let (_, samples) = try IDX.read(URL(fileURLWithPath: (dir as NSString).appendingPathComponent("samples-idx3-ubyte")), rank: 3)
            var next = 0
            for fields in rows.dropFirst() where fields.count >= 14 {
                var sample: [UInt8]?
                if fields[10] == "ok" || fields[10] == "review" {
                    guard (next + 1) * 784 <= samples.count else {
                        printError("\(dir): samples-idx3-ubyte holds fewer samples than predictions.csv has digits")
                        throw ExitCode(1)
                    }
                    sample = Array(samples[(next * 784)..<((next + 1) * 784)])
                    next += 1
                }
                entries.append(Entry(file: fields[0], digit: Int(fields[1]) ?? -1, fields: fields, sample: sample))
            }
            if let data = FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent("summary.json")),
               let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                seconds += summary["seconds"] as? Double ?? 0
                if let m = summary["model"] as? String { models.insert(m) }
                if let r = summary["reject_below"] as? Double { reject = r }
            }
            // Page overlays are copied as they are.
            let pages = (dir as NSString).appendingPathComponent("pages")
            if let names = try? FileManager.default.contentsOfDirectory(atPath: pages) {
                try FileManager.default.createDirectory(atPath: folder.file("pages"), withIntermediateDirectories: true)
                for name in names where !FileManager.default.fileExists(atPath: folder.file("pages/\(name)")) {
                    try FileManager.default.copyItem(atPath: (pages as NSString).appendingPathComponent(name), toPath: folder.file("pages/\(name)"))
                }
            }
        }
        entries.sort { ($0.file, $0.digit) < ($1.file, $1.digit) }
        let results = try BatchResults(folder: folder, labels: nil, rejectBelow: reject)
        var lastFile: String?
        for e in entries {
            let f = e.fields
            switch f[10] {
            case "error": results.recordError(e.file, reason: f[13], label: f[11].isEmpty ? nil : f[11])
            case "no-digit": results.recordNoDigit(e.file, reason: f[13], label: f[11].isEmpty ? nil : f[11])
            default:
                if e.file != lastFile { results.files += 1 }
                let top3 = f[9].split(separator: ";").compactMap { part -> (Int, Double)? in
                    let kv = part.split(separator: ":")
                    guard kv.count == 2, let k = Int(kv[0]), let v = Double(kv[1]) else { return nil }
                    return (k, v)
                }
                let multi = entries.contains { $0.file == e.file && $0.digit == 1 }
                results.recordDigit(DigitRecord(
                    file: e.file, index: e.digit, line: Int(f[2]) ?? 0,
                    box: Box(x: Int(f[3]) ?? 0, y: Int(f[4]) ?? 0, width: Int(f[5]) ?? 0, height: Int(f[6]) ?? 0),
                    predicted: Int(f[7]) ?? 0, confidence: Double(f[8]) ?? 0, top3: top3, status: f[10],
                    truth: Int(f[11]), sample: e.sample ?? [UInt8](repeating: 0, count: 784), crop: nil), multiDigit: multi)
            }
            lastFile = e.file
        }
        try results.finish(seconds: seconds, extra: ["shards": shards.count, "model": models.sorted().joined(separator: ", ")])
        print("\(results.files) files, \(results.digits) digits from \(shards.count) shard(s) → \(out)")
        if results.failed > 0 { throw ExitCode(1) }
    }
}

/// Rows of a CSV text (RFC 4180 quoting).
func parseCSV(_ text: String) -> [[String]] {
    var rows = [[String]](), row = [String](), field = ""
    var quoted = false, iterator = text.makeIterator()
    var pending: Character? = nil
    while let c = pending ?? iterator.next() {
        pending = nil
        if quoted {
            if c == "\"" {
                if let n = iterator.next() {
                    if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                } else { quoted = false }
            } else { field.append(c) }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            row.append(field); field = ""
        } else if c == "\n" || c == "\r\n" {
            row.append(field); rows.append(row); row = []; field = ""
        } else {
            field.append(c)
        }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}
