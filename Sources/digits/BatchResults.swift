import DigitData
import DigitNet
import DigitReport
import DigitVision
import Foundation

/// What became of one input file.
struct FileOutcome {
    var path: String
    var result: ScanResult?
    var error: String?
    /// Class probabilities per digit (10 each).
    var probabilities: [[Float]] = []
}

/// One digit's row of the results.
struct DigitRecord {
    var file: String
    var index: Int
    var line: Int
    var box: Box
    var predicted: Int
    var confidence: Double
    var top3: [(Int, Double)]
    /// "ok" or "review".
    var status: String
    var truth: Int?
    /// 28x28 bytes, ink bright.
    var sample: [UInt8]
    var crop: Raster?
}

/// Collects a batch run's results as they come: rows streamed to predictions.csv / .jsonl and the samples
/// file, bounded sets of tiles for the grids, counts for the summary. Memory stays flat however many files.
final class BatchResults {
    let folder: OutputFolder
    let labels: Labels?
    let rejectBelow: Double?
    let csv: StagedFile, jsonl: StagedFile, samples: StagedFile
    var sampleCount = 0

    var files = 0, failed = 0, withoutDigits = 0, digits = 0, review = 0
    var labelled = 0, correct = 0, acceptedLabelled = 0, acceptedCorrect = 0, countMismatches = 0
    var confusion = Array(repeating: Array(repeating: 0, count: 10), count: 10)
    var errors = [(String, String)]()
    var tiles = [DigitTile](), mistakes = [DigitTile]()
    var overlays = [String]()
    /// The first few page overlays, kept for the PDF.
    var overlayViews = [PageOverlay]()
    static let maxTiles = 2000, maxMistakes = 1000

    static let csvHeader = "file,digit,line,x,y,width,height,predicted,confidence,top3,status,truth,correct,reason\n"

    init(folder: OutputFolder, labels: Labels?, rejectBelow: Double?) throws {
        self.folder = folder; self.labels = labels; self.rejectBelow = rejectBelow
        csv = try StagedFile(folder.file("predictions.csv"))
        jsonl = try StagedFile(folder.file("predictions.jsonl"))
        samples = try StagedFile(folder.file("samples.partial-body"))
        csv.write(Self.csvHeader)
    }

    private func row(_ fields: [String: Any?], csvValues: [String]) {
        csv.write(csvValues.map(csvField).joined(separator: ",") + "\n")
        let clean = fields.compactMapValues { $0 }
        if let data = try? JSONSerialization.data(withJSONObject: clean, options: [.sortedKeys]) {
            jsonl.write(data)
            jsonl.write("\n")
        }
    }

    /// Records a file that could not be read.
    func recordError(_ path: String, reason: String, label: String?) {
        files += 1
        failed += 1
        errors.append((path, reason))
        row(["file": path, "status": "error", "reason": reason],
            csvValues: [path, "", "", "", "", "", "", "", "", "", "error", label ?? "", "", reason])
    }

    /// Records a file read without finding a digit.
    func recordNoDigit(_ path: String, reason: String, label: String?) {
        files += 1
        withoutDigits += 1
        if label != nil { countMismatches += 1 }
        row(["file": path, "status": "no-digit", "reason": reason, "truth": label],
            csvValues: [path, "", "", "", "", "", "", "", "", "", "no-digit", label ?? "", "", reason])
    }

    /// Records one digit; returns its tile (for the page overlay).
    @discardableResult
    func recordDigit(_ d: DigitRecord, multiDigit: Bool) -> DigitTile {
        digits += 1
        let held = d.status == "review"
        if held { review += 1 }
        var status: TileStatus = held ? .review : .unknown
        if let truth = d.truth {
            labelled += 1
            confusion[truth][d.predicted] += 1
            if truth == d.predicted { correct += 1 }
            if !held { acceptedLabelled += 1; if truth == d.predicted { acceptedCorrect += 1 } }
            status = truth != d.predicted ? .wrong : held ? .review : .right
        }
        let b = d.box
        let top3 = d.top3.map { "\($0.0):" + String(format: "%.4f", $0.1) }.joined(separator: ";")
        row(["file": d.file, "digit": d.index, "line": d.line, "x": b.x, "y": b.y, "width": b.width, "height": b.height,
             "predicted": d.predicted, "confidence": (d.confidence * 1e4).rounded() / 1e4,
             "top3": d.top3.map { ["digit": $0.0, "p": ($0.1 * 1e4).rounded() / 1e4] },
             "status": d.status, "truth": d.truth, "correct": d.truth.map { $0 == d.predicted }],
            csvValues: [d.file, String(d.index), String(d.line), String(b.x), String(b.y), String(b.width), String(b.height),
                        String(d.predicted), String(format: "%.4f", d.confidence), top3, d.status,
                        d.truth.map(String.init) ?? "", d.truth.map { $0 == d.predicted ? "true" : "false" } ?? "", ""])
        samples.write(Data(d.sample))
        sampleCount += 1
        let name = (d.file as NSString).lastPathComponent
        let tile = DigitTile(sample: Raster(width: 28, height: 28, pixels: d.sample), predicted: d.predicted,
                             confidence: d.confidence, truth: d.truth, status: status, crop: d.crop,
                             caption: multiDigit ? "\(name) #\(d.index)" : name)
        if tiles.count < Self.maxTiles { tiles.append(tile) }
        if tile.status == .wrong && mistakes.count < Self.maxMistakes { mistakes.append(tile) }
        return tile
    }

    /// Records one file's outcome (call in input order).
    func add(_ o: FileOutcome) {
        let label = labels?.label(for: o.path)
        if let error = o.error { return recordError(o.path, reason: error, label: label) }
        guard let result = o.result, !result.digits.isEmpty else {
            return recordNoDigit(o.path, reason: o.result?.warnings.joined(separator: "; ") ?? "no digit found", label: label)
        }
        files += 1
        if let label, label.count != result.digits.count { countMismatches += 1 }
        var marks = [PageMark]()
        for (i, d) in result.digits.enumerated() {
            let p = o.probabilities[i]
            let order = p.indices.sorted { p[$0] > p[$1] }
            let confidence = Double(p[order[0]])
            var truth: Int?
            if let label, i < label.count { truth = Int(String(Array(label)[i])) }
            let record = DigitRecord(
                file: o.path, index: i, line: d.line, box: d.box, predicted: order[0], confidence: confidence,
                top3: order.prefix(3).map { ($0, Double(p[$0])) },
                status: rejectBelow.map { confidence < $0 } ?? false ? "review" : "ok", truth: truth,
                sample: d.sample.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) },
                crop: d.crop.map { Raster(width: $0.width, height: $0.height, pixels: $0.pixels) })
            let tile = recordDigit(record, multiDigit: result.digits.count > 1)
            marks.append(PageMark(x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height, predicted: record.predicted,
                                  confidence: confidence, status: tile.status))
        }
        if let preview = result.preview, result.digits.count > 1 {
            let k = Double(preview.width) / Double(result.width)
            let scaled = marks.map { m in
                PageMark(x: Int(Double(m.x) * k), y: Int(Double(m.y) * k), width: max(1, Int(Double(m.width) * k)),
                         height: max(1, Int(Double(m.height) * k)), predicted: m.predicted, confidence: m.confidence, status: m.status)
            }
            let overlay = PageOverlay(page: Raster(width: preview.width, height: preview.height, pixels: preview.pixels),
                                      marks: scaled, title: "\((o.path as NSString).lastPathComponent): " + marks.map { String($0.predicted) }.joined())
            let name = pageName(o.path)
            do {
                try FileManager.default.createDirectory(atPath: folder.file("pages"), withIntermediateDirectories: true)
                try overlay.writePNG(to: folder.file("pages/\(name).png"))
                overlays.append(folder.file("pages/\(name).png"))
                if overlayViews.count < 10 { overlayViews.append(overlay) }
            } catch {
                errors.append((o.path, "overlay not written: \(error)"))
            }
        }
    }

    /// A file name for a page's overlay: folder and file name, made unique within the run.
    func pageName(_ path: String) -> String {
        let stem = (path as NSString).deletingPathExtension
        let flat = stem.split(separator: "/").filter { $0 != "." && $0 != ".." }.suffix(2).joined(separator: "_")
        let base = String(flat.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        var name = base, k = 2
        while usedPageNames.contains(name) { name = "\(base)-\(k)"; k += 1 }
        usedPageNames.insert(name)
        return name
    }
    private var usedPageNames = Set<String>()

    var accuracy: Double? { labelled == 0 ? nil : Double(correct) / Double(labelled) }

    /// Writes everything that is written once at the end: samples IDX, grids, confusion, summary, report.
    func finish(seconds: Double, extra: [String: Any]) throws {
        try csv.commit()
        try jsonl.commit()
        try samples.commit()
        // samples-idx3-ubyte: the 28x28 samples of every digit, in the order of the csv's digit rows.
        let body = folder.file("samples.partial-body")
        let idx = try StagedFile(folder.file("samples-idx3-ubyte"))
        idx.write(IDX.header([sampleCount, 28, 28]))
        if let h = FileHandle(forReadingAtPath: body) {
            while true {
                let chunk = h.readData(ofLength: 1 << 20)
                if chunk.isEmpty { break }
                idx.write(chunk)
            }
            try h.close()
        }
        try idx.commit()
        try FileManager.default.removeItem(atPath: body)

        let grid = DigitGrid(title: "Predictions" + (tiles.count < digits ? " (first \(tiles.count) of \(digits) digits)" : ""), tiles: tiles)
        try grid.writePNGs(directory: folder.path, base: "predictions", perPage: 200)
        var sections: [Report.Section] = grid.pages(perPage: 200).prefix(5).map { .grid($0) }
        if labelled > 0 {
            let m = DigitGrid(title: "Misclassified: \(labelled - correct) of \(labelled) labelled digits, worst first",
                              tiles: DigitGrid.mistakes(mistakes), kind: .mistakes)
            try m.writePNGs(directory: folder.path, base: "misclassified", perPage: 60)
            let c = ConfusionChart(title: "Confusion matrix", counts: confusion)
            try c.writePNG(to: folder.file("confusion.png"))
            sections = [.confusion(c)] + m.pages(perPage: 60).prefix(5).map { .grid($0) } + sections
        }
        var summary: [String: Any] = [
            "files": files, "files_read": files - failed, "files_failed": failed, "files_without_digits": withoutDigits,
            "digits": digits, "digits_review": review, "seconds": (seconds * 1000).rounded() / 1000,
            "files_per_second": seconds > 0 ? Double(files) / seconds : 0,
            "errors": errors.map { ["file": $0.0, "reason": $0.1] },
        ]
        if labelled > 0 {
            summary["labelled_digits"] = labelled
            summary["correct"] = correct
            summary["accuracy"] = Double(correct) / Double(labelled)
            summary["accepted_accuracy"] = acceptedLabelled == 0 ? nil : Double(acceptedCorrect) / Double(acceptedLabelled)
            summary["files_with_digit_count_unlike_label"] = countMismatches
        }
        for (k, v) in extra { summary[k] = v }
        try writeAtomically(try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys]),
                            to: folder.file("summary.json"))
        var lines: [(String, String)] = [("files", "\(files) (\(failed) failed, \(withoutDigits) without digits)"),
                                         ("digits", String(digits)), ("held for review", String(review))]
        if let a = accuracy { lines.append(("accuracy", String(format: "%.2f%% of %d labelled digits", 100 * a, labelled))) }
        lines.append(("time", String(format: "%.2f s", seconds)))
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { lines.append((k.replacingOccurrences(of: "_", with: " "), "\(v)")) }
        sections += overlayViews.map { .page($0) }
        try Report(title: "digits classify", summary: lines, notes: errors.map { "\($0.0): \($0.1)" }, sections: sections)
            .writePDF(to: folder.file("report.pdf"))
    }
}
