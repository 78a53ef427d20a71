import DigitData
import DigitImage
import DigitNet
import DigitReport
import DigitVision
import Foundation

/// What became of one input file: the scan, or why it failed, and the class probabilities of its digits.
public struct FileOutcome: Sendable {
    public var path: String
    public var result: ScanResult?
    public var error: String?
    /// Class probabilities per digit (10 each).
    public var probabilities: [[Float]] = []

    public init(path: String, result: ScanResult? = nil, error: String? = nil) {
        self.path = path; self.result = result; self.error = error
    }
}

/// Collects a batch run's results as they come: rows streamed to predictions.csv / .jsonl and the samples
/// file, bounded sets of tiles for the grids, counts for the summary. Memory stays flat however many files.
/// Used from one thread (or one serial queue) at a time.
public final class BatchResults: @unchecked Sendable {
    public let folder: OutputFolder
    let labels: Labels?
    let rejectBelow: Double?
    let csv: StagedFile, jsonl: StagedFile, samples: StagedFile, readings: StagedFile
    var sampleCount = 0

    public internal(set) var files = 0, failed = 0, withoutDigits = 0, digits = 0, review = 0, notDigits = 0
    /// Files with a label, and those whose reading is exactly it.
    public internal(set) var filesLabelled = 0, filesExact = 0
    public internal(set) var labelled = 0, correct = 0, acceptedLabelled = 0, acceptedCorrect = 0, countMismatches = 0
    var confusion = ConfusionMatrix(classes: 10)
    /// Every input that could not be read, and every picture that could not be written: (file, reason).
    public internal(set) var errors = [(String, String)]()
    var tiles = [DigitTile](), mistakes = [DigitTile]()
    /// Which marks the predictions grid shows, in which order; and how many it would show without its bound.
    public var grid = GridChoice()
    var gridEligible = 0
    /// The first few page overlays, kept for the PDF (appended on `overlays`).
    var overlayViews = [PageOverlay]()
    /// Page overlays are drawn and written on a queue of their own while the run goes on, at most two
    /// waiting; `waitForOverlays` joins them (`finish` does).
    private let overlays = DispatchQueue(label: "digits.overlays")
    private let overlaysPending = DispatchGroup()
    private let overlaySlots = DispatchSemaphore(value: 2)
    /// Overlays that could not be written (used on `overlays`), joined to `errors` by `waitForOverlays`.
    private var overlayErrors = [(String, String)]()
    private var usedPageNames = Set<String>()
    static let maxTiles = 2000, maxMistakes = 1000

    public init(folder: OutputFolder, labels: Labels?, rejectBelow: Double?) throws {
        self.folder = folder; self.labels = labels; self.rejectBelow = rejectBelow
        csv = try StagedFile(folder.file("predictions.csv"))
        jsonl = try StagedFile(folder.file("predictions.jsonl"))
        samples = try StagedFile(folder.file("samples.partial-body"))
        readings = try StagedFile(folder.file("readings.csv"))
        csv.write(ResultRow.csvHeader)
        readings.write(FileReading.csvHeader)
    }

    /// Share of labelled digits read right, when any were labelled.
    public var accuracy: Double? { labelled == 0 ? nil : Double(correct) / Double(labelled) }

    private func write(_ row: ResultRow) {
        csv.write(row.csvLine)
        jsonl.write(row.jsonLine)
        jsonl.write("\n")
    }

    /// Records a file that could not be read, or that gave no mark (`row.status` says which), and its empty
    /// reading unless `withReading` is false (a merge copies the readings as they were).
    public func recordFile(_ row: ResultRow, withReading: Bool = true) {
        files += 1
        if row.status == .error {
            failed += 1
            errors.append((row.file, row.reason ?? ""))
        } else {
            withoutDigits += 1
            if row.truth != nil { countMismatches += 1 }
        }
        write(row)
        guard withReading else { return }
        recordReading(FileReading(file: row.file, reading: "", truth: row.status == .error ? nil : row.truth,
                                  status: row.status, digits: 0, notDigits: 0))
    }

    /// Called with each file's reading as it is recorded (on the thread that records it).
    public var onReading: (@Sendable (FileReading) -> Void)?

    /// The first files' readings, for the report's table (the whole list is readings.csv).
    var readingRows = [FileReading]()
    static let maxReadingRows = 2000

    /// Records what was read in one file (call once per file, in input order).
    public func recordReading(_ r: FileReading) {
        readings.write(r.csvLine)
        if readingRows.count < Self.maxReadingRows { readingRows.append(r) }
        onReading?(r)
        if let exact = r.exact {
            filesLabelled += 1
            if exact { filesExact += 1 }
        }
    }

    /// Records one mark's row (a digit, or a mark that is not one) with its 28x28 sample (bytes, ink bright)
    /// and its crop from the page; returns its tile (for the page overlay).
    @discardableResult
    public func recordMark(_ row: ResultRow, sample: [UInt8], crop: GrayImage?, multiDigit: Bool) -> DigitTile {
        let held = row.status == .review, predicted = row.predicted ?? 10, truth = row.truth.flatMap { Int($0) }
        if row.status == .notDigit { notDigits += 1 } else { digits += 1 }
        if held { review += 1 }
        var status: TileStatus = row.status == .notDigit ? .notDigit : held ? .review : .unknown
        if let truth, row.status.isDigit {
            labelled += 1
            confusion.add(truth: truth, prediction: predicted)
            if truth == predicted { correct += 1 }
            if !held { acceptedLabelled += 1; if truth == predicted { acceptedCorrect += 1 } }
            status = truth != predicted ? .wrong : held ? .review : .right
        }
        write(row)
        samples.write(Data(sample))
        sampleCount += 1
        let name = (row.file as NSString).lastPathComponent
        let tile = DigitTile(sample: GrayImage(width: 28, height: 28, pixels: sample), predicted: predicted,
                             confidence: row.confidence ?? 0, truth: truth, status: status, crop: crop,
                             caption: multiDigit ? "\(name) #\(row.index ?? 0)" : name)
        if grid.shows(tile) {
            gridEligible += 1
            switch grid.order {
            case .input:
                if tiles.count < Self.maxTiles { tiles.append(tile) }
            case .confidence:
                // The least sure so far, kept bounded: trimmed to the bound whenever it doubles.
                tiles.append(tile)
                if tiles.count >= 2 * Self.maxTiles { tiles = Array(GridChoice.leastSureFirst(tiles).prefix(Self.maxTiles)) }
            }
        }
        if tile.status == .wrong && mistakes.count < Self.maxMistakes { mistakes.append(tile) }
        return tile
    }

    /// Records one file's outcome (call in input order).
    public func add(_ o: FileOutcome) {
        let label = labels?.label(for: o.path)
        if let error = o.error { return recordFile(ResultRow(file: o.path, status: .error, truth: label, reason: error)) }
        guard let result = o.result, !result.digits.isEmpty else {
            let reason = o.result?.warnings.joined(separator: "; ") ?? "no digit found"
            return recordFile(ResultRow(file: o.path, status: .noDigit, truth: label, reason: reason))
        }
        files += 1
        // The label's digits go to the marks read as digits, matched to the reading with the fewest changes.
        let marksRead = FileReading.marks(of: result, probabilities: o.probabilities)
        let truths = label.map { l in
            LabelAlignment.truths(read: marksRead.compactMap(\.digit), label: l.compactMap(\.wholeNumberValue))
        } ?? []
        var marks = [PageMark](), next = 0, held = false, lowest: Double?
        for (i, d) in result.digits.enumerated() {
            let p = o.probabilities[i]
            let top = p.top
            let notDigit = marksRead[i].digit == nil
            let order = p.prefix(MarkClasses.digits).ranking
            let confidence = Double(notDigit ? (top.index >= MarkClasses.digits ? top.value : 1 - top.value) : p[order[0]])
            var status: ResultStatus = notDigit ? .notDigit : rejectBelow.map { confidence < $0 } ?? false ? .review : .ok
            if status == .review { held = true }
            if !notDigit { lowest = min(lowest ?? 1, confidence) }
            var truth: String?
            if !notDigit, next < truths.count { truth = truths[next].map(String.init) }
            if !notDigit { next += 1 }
            if notDigit { status = .notDigit }
            let row = ResultRow(
                file: o.path, status: status, index: i, line: d.line, box: d.box, predicted: notDigit ? nil : order[0],
                confidence: confidence, top3: order.prefix(3).map { ResultRow.Top(digit: $0, p: Double(p[$0])) }, truth: truth)
            let tile = recordMark(row, sample: d.sample.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) },
                                  crop: d.crop, multiDigit: result.digits.count > 1)
            marks.append(PageMark(x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height, predicted: order[0],
                                  confidence: confidence, status: tile.status))
        }
        let digitCount = marksRead.filter { $0.digit != nil }.count
        if let label, label.filter({ $0 != "/" }).count != digitCount { countMismatches += 1 }
        if digitCount == 0 { withoutDigits += 1 }
        let reading = FileReading.reading(marksRead)
        recordReading(FileReading(file: o.path, reading: reading, truth: label,
                                  status: digitCount == 0 ? .noDigit : held ? .review : .ok,
                                  digits: digitCount, notDigits: result.digits.count - digitCount, lowest: lowest))
        if let preview = result.preview, result.digits.count > 1 {
            writeOverlay(o.path, preview: preview, width: result.width, marks: marks, reading: reading)
        }
    }

    /// The page with its digits' boxes and readings drawn over it, in pages/, titled with the file's reading.
    private func writeOverlay(_ path: String, preview: GrayImage, width: Int, marks: [PageMark], reading: String) {
        let k = Double(preview.width) / Double(width)
        let scaled = marks.map { m in
            PageMark(x: Int(Double(m.x) * k), y: Int(Double(m.y) * k), width: max(1, Int(Double(m.width) * k)),
                     height: max(1, Int(Double(m.height) * k)), predicted: m.predicted, confidence: m.confidence, status: m.status)
        }
        let overlay = PageOverlay(page: preview, marks: scaled,
                                  title: "\((path as NSString).lastPathComponent): \(reading.isEmpty ? "no digit" : reading)")
        let name = pageName(path)
        overlaySlots.wait()
        overlays.async(group: overlaysPending) { [self] in
            defer { overlaySlots.signal() }
            do {
                try FileManager.default.createDirectory(atPath: folder.file("pages"), withIntermediateDirectories: true)
                try overlay.writePNG(to: folder.file("pages/\(name).png"))
                if overlayViews.count < 10 {
                    var kept = overlay
                    kept.jpeg = try? preview.jpegData()
                    overlayViews.append(kept)
                }
            } catch {
                overlayErrors.append((path, "overlay not written: \(error)"))
            }
        }
    }

    /// Waits until every page overlay asked for is written; their failures join `errors`.
    func waitForOverlays() {
        overlaysPending.wait()
        overlays.sync {
            errors += overlayErrors
            overlayErrors = []
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
}

/// What the predictions grid of a run shows (`--grid`) and in which order (`--grid-order`).
public struct GridChoice: Sendable {
    public enum Marks: String, CaseIterable, Sendable {
        /// Every mark, digits and marks that are not digits.
        case all
        /// Digits held for review, and digits read wrong.
        case review
        /// Digits read wrong (needs labels).
        case wrong
    }

    public enum Order: String, CaseIterable, Sendable {
        /// As the files and their marks come.
        case input
        /// Least sure first.
        case confidence
    }

    public var marks = Marks.all
    public var order = Order.input

    public init(marks: Marks = .all, order: Order = .input) { self.marks = marks; self.order = order }

    func shows(_ tile: DigitTile) -> Bool {
        switch marks {
        case .all: return true
        case .review: return tile.status == .review || tile.status == .wrong
        case .wrong: return tile.status == .wrong
        }
    }

    /// Tiles by confidence, least sure first; input order among equals.
    static func leastSureFirst(_ tiles: [DigitTile]) -> [DigitTile] {
        tiles.enumerated().sorted { ($0.element.confidence, $0.offset) < ($1.element.confidence, $1.offset) }.map(\.element)
    }

    /// The grid's title for `shown` of `eligible` marks.
    func title(shown: Int, eligible: Int) -> String {
        let what: String
        switch marks {
        case .all: what = "Predictions"
        case .review: what = "Held for review or read wrong"
        case .wrong: what = "Read wrong"
        }
        let order = self.order == .confidence ? ", least sure first" : ""
        let count = shown < eligible ? " (\(shown) of \(eligible); every mark is in predictions.csv)" : ""
        return what + order + count
    }
}

