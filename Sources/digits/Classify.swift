import ArgumentParser
import DigitBatch
import DigitData
import DigitNet
import Foundation

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every digit in files and folders of scans; write predictions, pictures and a report.",
        discussion: "Exit status: 0 when every input was read, 1 when some failed (the run still completes), 2 for usage errors.")

    @Argument(help: "Image files, PDFs and folders (searched recursively); - reads one image from standard input.")
    var paths: [String]

    @OptionGroup var model: ModelOption
    @OptionGroup var reader: ReaderOption
    @OptionGroup var output: OutputOptions

    @Option(help: "CSV of file,label (a digit, or a page's digits in reading order).")
    var labels: String?

    @Flag(help: "Take each file's label from the leading digit of its name (7_anything.png).")
    var labelsFromNames = false

    @Option(help: "Digits read with confidence below P get status 'review' (0–1).")
    var rejectBelow: Double?

    @OptionGroup var threads: ThreadsOption

    @Option(help: "Process only the I-th of N slices of the sorted inputs (1-based), e.g. 2/8.")
    var shard: Shard?

    @Option(help: "Inference engine: digits (the Swift CNN) or opencv (the model exported to ONNX, run by OpenCV's dnn).")
    var engine: EngineKind = .digits

    @Option(help: "Marks in the predictions grid: all, review (held for review or read wrong) or wrong.")
    var grid: GridChoice.Marks = .all

    @Option(help: "Order of the predictions grid: input, or confidence (least sure first).")
    var gridOrder: GridChoice.Order = .input

    @Option(help: "Resolution to rasterise PDF pages at, in dots per inch.")
    var dpi: Double = 300

    @Option(help: "How each file's reading is printed on standard output: text, tsv or jsonl.")
    var format: FileReading.Format = .text

    @Flag(help: "No progress or summary line on standard error (errors are still reported; readings still print).")
    var quiet = false

    func validate() throws {
        if labels != nil && labelsFromNames { throw ValidationError("--labels and --labels-from-names exclude each other") }
        if let p = rejectBelow, !(0...1).contains(p) { throw ValidationError("--reject-below must be between 0 and 1") }
        guard (10...1200).contains(dpi) else { throw ValidationError("--dpi must be between 10 and 1200") }
    }

    func run() throws {
        useSingleThreadedBLAS()
        let start = Date()
        // The model and the line reader load on the side while the inputs are listed; what cannot be loaded
        // is reported first all the same.
        let (modelName, readerName) = (model.model, reader.reader)
        let loadingModel = Deferred { Result { try loadClassifier(modelName) } }
        let loadingReader = Deferred { Result { try loadLineReader(readerName) } }
        var (entries, missing) = InputFiles.collect(arguments: paths)
        let (classifier, modelPath) = try Failure.setUp { try loadingModel.value.get() }
        // The model by name and checksum (a path says little once the report leaves this machine), worked out
        // on the side while the first scans are read.
        let modelSum = Deferred { FileChecksum().sha256(of: modelPath) ?? "?" }
        let network = try Failure.setUp { try Engine(engine, classifier) }
        let truth = try Failure.setUp { try labels.map { try Labels(csv: $0) } ?? (labelsFromNames ? Labels(fromNames: true) : nil) }
        for name in (truth?.ambiguousNames ?? []).sorted().prefix(10) {
            printError("\(labels ?? ""): several entries are named \(name); files of that name are matched by their path only")
        }
        // Nothing is written for a run that has nothing to read.
        if let path = missing.first { throw Failure.unusable("\(path): no such file or folder") }
        guard !entries.isEmpty else { throw Failure.unusable("no image files in \(paths.joined(separator: ", "))") }
        if let shard { entries = InputFiles.shard(entries, shard) }
        let folder = try output.folder()
        let results = try Failure.setUp { try BatchResults(folder: folder, labels: truth, rejectBelow: rejectBelow) }
        let format = self.format
        results.grid = GridChoice(marks: grid, order: gridOrder)
        results.onReading = { print($0.line(format)) }

        var line = ProgressLine()
        installInterruptHandler()
        var job = ClassifyJob(engine: network, threads: threads.threads, lineReader: try Failure.setUp { try loadingReader.value.get() })
        job.dpi = dpi
        let done = job.run(entries, into: results, progress: { p in
            guard !quiet else { return }
            let elapsed = Date().timeIntervalSince(start), fraction = Double(p.files) / Double(max(1, p.total))
            line.update(String(format: "%@ files %d/%d  digits %d  %.0f files/s  ETA %@", bar(fraction), p.files, p.total,
                               p.digits, Double(p.files) / max(elapsed, 1e-9), clock(elapsed / fraction * (1 - fraction))),
                        fraction: fraction)
        }, shouldStop: { interruptRequested })
        if interruptRequested {
            // Nothing is put in place: the staged files stay partial and the folder keeps no half results.
            throw Failure.interrupted("interrupted after \(done) of \(entries.count) files; no results were written")
        }
        let seconds = Date().timeIntervalSince(start)
        let sum = modelSum.value
        var extra: [String: any Sendable] = ["model": (modelPath as NSString).lastPathComponent + " (sha256 " + sum.prefix(16) + "…)",
                                             "model_path": modelPath, "model_sha256": sum, "engine": engine.rawValue]
        if let rejectBelow { extra["reject_below"] = rejectBelow }
        if let shard { extra["shard"] = shard.description }
        try Failure.working { try results.finish(seconds: seconds, extra: extra) }
        if !quiet {
            var text = "\(results.files) files, \(results.digits) digits"
            if results.review > 0 { text += ", \(results.review) held for review" }
            if let a = results.accuracy { text += String(format: ", accuracy %.2f%% (%d/%d)", 100 * a, results.correct, results.labelled) }
            if results.failed > 0 { text += ", \(results.failed) failed" }
            line.finish(text + String(format: " in %.1fs → %@", seconds, output.out))
        }
        if results.countMismatches > 0 {
            printError("\(results.countMismatches) labelled file(s) read as a different number of digits than their label has: their digits are left out of accuracy (readings.csv shows which)")
        }
        if labelsFromNames && results.filesLabelled == 0 {
            printError("--labels-from-names: no file name starts with a digit (7_anything.png), so nothing was scored")
        }
        reportErrors(results, out: output.out)
        if results.failed > 0 { throw Failure.someInputsFailed }
    }
}

/// One line per input that could not be read, even with --quiet: the full list is in summary.json.
func reportErrors(_ results: BatchResults, out: String) {
    for (file, reason) in results.errors.prefix(50) { printError("\(file): \(reason)") }
    if results.errors.count > 50 { printError("… and \(results.errors.count - 50) more; see \(out)/summary.json") }
}
