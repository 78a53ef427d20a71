import ArgumentParser
import DigitNet
import DigitVision
import Foundation

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every digit in files and folders of scans; write predictions, pictures and a report.",
        discussion: "Exit status: 0 when every input was read, 1 when some failed (the run still completes), 2 for usage errors.")

    @Argument(help: "Image files and folders (searched recursively).")
    var paths: [String]

    @Option(help: "Model file (default: the bundled pretrained model).")
    var model: String?

    @Option(help: "Output folder.")
    var out: String = "digits-out"

    @Option(help: "CSV of file,label (a digit, or a page's digits in reading order).")
    var labels: String?

    @Flag(help: "Take each file's label from the leading digit of its name (7_anything.png).")
    var labelsFromNames = false

    @Option(help: "Digits read with confidence below P get status 'review' (0–1).")
    var rejectBelow: Double?

    @Option(help: "Parallel workers.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Process only the I-th of N slices of the sorted inputs (1-based), e.g. 2/8.")
    var shard: Shard?

    @Option(help: "Inference engine: digits (the Swift CNN) or opencv (the model exported to ONNX, run by OpenCV's dnn).")
    var engine: String = "digits"

    @Flag(help: "No progress or summary line (errors are still reported).")
    var quiet = false

    @Flag(help: "Replace the results of an earlier run in --out.")
    var overwrite = false

    func validate() throws {
        if labels != nil && labelsFromNames { throw ValidationError("--labels and --labels-from-names exclude each other") }
        if let p = rejectBelow, !(0...1).contains(p) { throw ValidationError("--reject-below must be between 0 and 1") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if !["digits", "opencv"].contains(engine) { throw ValidationError("--engine must be digits or opencv") }
    }

    func run() throws {
        useSingleThreadedBLAS()
        if jobs > 1 { Pipeline.useOpenCVThreads(1) }
        let start = Date()
        let (classifier, modelPath): (Classifier, String)
        let truth: Labels?
        let folder: OutputFolder
        let network: Engine
        do {
            (classifier, modelPath) = try loadClassifier(model)
            network = engine == "opencv" ? .opencv(try OpenCVEngine(classifier)) : .digits(classifier)
            truth = try labels.map { try Labels(csv: $0) } ?? (labelsFromNames ? Labels(fromNames: true) : nil)
            folder = try OutputFolder(out, overwrite: overwrite)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        var entries = InputFiles.collect(paths)
        if let shard { entries = InputFiles.shard(entries, index: shard.index, count: shard.count) }
        let results = try BatchResults(folder: folder, labels: truth, rejectBelow: rejectBelow)
        var options = ScanOptions()
        options.cropSide = 96
        options.previewSide = 1600
        var line = ProgressLine()
        installInterruptHandler()
        let chunkSize = max(jobs * 16, 64)
        // Each chunk's digits are classified, and its results written, on their own queue while the workers
        // scan the next chunk; at most two chunks wait there, so memory stays flat however long the input.
        let writer = DispatchQueue(label: "digits.results")
        let waiting = DispatchSemaphore(value: 2)
        var done = 0, digitsRead = 0
        while done < entries.count && !interruptRequested {
            let chunk = Array(entries[done..<min(entries.count, done + chunkSize)])
            var outcomes = [FileOutcome](repeating: FileOutcome(path: ""), count: chunk.count)
            let next = NextIndex()
            outcomes.withUnsafeMutableBufferPointer { buf in
                let out = buf
                DispatchQueue.concurrentPerform(iterations: min(jobs, chunk.count)) { _ in
                    // Each worker takes the next file as it finishes one: scans differ widely in cost.
                    while let k = next.take(below: chunk.count) { out[k] = scan(chunk[k], engine: network, options: options) }
                }
            }
            waiting.wait()
            // The last chunk has the cores to itself.
            let threads = done + chunk.count >= entries.count ? jobs : 1
            writer.async { [outcomes] in
                var outcomes = outcomes
                Classify.read(&outcomes, with: network, threads: threads)
                for o in outcomes { results.add(o) }
                waiting.signal()
            }
            done += chunk.count
            digitsRead += outcomes.reduce(0) { $0 + ($1.result?.digits.count ?? 0) }
            if !quiet {
                let elapsed = Date().timeIntervalSince(start), fraction = Double(done) / Double(max(1, entries.count))
                line.update(String(format: "%@ files %d/%d  digits %d  %.0f files/s  ETA %@", bar(fraction), done, entries.count,
                                   digitsRead, Double(done) / max(elapsed, 1e-9), clock(elapsed / fraction * (1 - fraction))),
                            fraction: fraction)
            }
        }
        writer.sync {}
        if interruptRequested {
            // Nothing is put in place: the staged files stay partial and the folder keeps no half results.
            printError("interrupted after \(done) of \(entries.count) files; no results were written")
            throw ExitCode(130)
        }
        let seconds = Date().timeIntervalSince(start)
        var extra: [String: Any] = ["model": modelPath, "engine": engine]
        if let rejectBelow { extra["reject_below"] = rejectBelow }
        if let shard { extra["shard"] = shard.description }
        try results.finish(seconds: seconds, extra: extra)
        if !quiet {
            var text = "\(results.files) files, \(results.digits) digits"
            if results.review > 0 { text += ", \(results.review) held for review" }
            if let a = results.accuracy { text += String(format: ", accuracy %.2f%% (%d/%d)", 100 * a, results.correct, results.labelled) }
            if results.failed > 0 { text += ", \(results.failed) failed" }
            line.finish(text + String(format: " in %.1fs → %@", seconds, out))
        }
        // One line per input that could not be read, even with --quiet: the full list is in summary.json.
        for (file, reason) in results.errors.prefix(50) { printError("\(file): \(reason)") }
        if results.errors.count > 50 { printError("… and \(results.errors.count - 50) more; see \(out)/summary.json") }
        if results.failed > 0 { throw ExitCode(1) }
    }

    /// One batched pass of the network over every digit of `outcomes`.
    static func read(_ outcomes: inout [FileOutcome], with network: Engine, threads: Int) {
        let rows = network.probabilityRows(outcomes.flatMap { $0.result?.digits.map(\.sample) ?? [] }, threads: threads)
        var next = 0
        for k in outcomes.indices {
            let n = outcomes[k].result?.digits.count ?? 0
            outcomes[k].probabilities = Array(rows[next..<(next + n)])
            next += n
        }
    }

    /// Decodes and scans one input; never throws: failures become the outcome's error.
    func scan(_ entry: InputEntry, engine: Engine, options: ScanOptions) -> FileOutcome {
        if let problem = entry.problem { return FileOutcome(path: entry.path, error: problem) }
        do {
            let image = try Decoder.load(entry.path, maxPixels: options.maxPixels)
            let result = try Pipeline.scanUpright(image, options: options) { engine.meanConfidence($0) }
            return FileOutcome(path: entry.path, result: result)
        } catch let e as ScanError {
            // The shim's message starts with the path; keep the reason alone.
            let text = e.description
            return FileOutcome(path: entry.path, error: text.hasPrefix(entry.path + ": ") ? String(text.dropFirst(entry.path.count + 2)) : text)
        } catch {
            return FileOutcome(path: entry.path, error: "\(error)")
        }
    }
}

/// Hands out 0, 1, 2, … to concurrent workers.
final class NextIndex: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
