import DigitImage
import DigitNet
import DigitVision
import Foundation

/// The main job: scan inputs for digits and read them. Files are scanned in chunks by `threads` workers
/// (each takes the next file as it finishes one: scans differ widely in cost); each chunk's digits are read
/// in one batched pass of the network, and its rows written, on a queue of their own while the workers scan
/// the next chunk. At most two chunks wait there, so memory stays flat however long the input.
public struct ClassifyJob: Sendable {
    public var engine: Engine
    public var threads: Int
    /// What the pipeline keeps of each scan: crops for the misclassification grid, a preview for overlays.
    public var options: ScanOptions
    /// The line reader the scans use (`options.lineReader` reads with it).
    private let lineReader: LineReader?
    /// Resolution PDF pages are rasterised at.
    public var dpi = Pages.defaultDPI

    /// `lineReader` reads wide marks as numbers (none: marks are cut into digits by the classifier alone).
    public init(engine: Engine, threads: Int, lineReader: LineReader? = nil) {
        self.engine = engine
        self.threads = max(1, threads)
        options = ScanOptions()
        options.cropSide = 96
        options.previewSide = 1600
        self.lineReader = lineReader
        scanning(on: 1)
    }

    /// Scans on `threads` threads: the pipeline's own work and the networks that read marks as it scans.
    private mutating func scanning(on threads: Int) {
        options.threads = threads
        options.reader = { [engine] in try engine.probabilityRows($0, threads: threads) }
        options.lineReader = lineReader?.lineRead(threads: threads)
    }

    /// Where a run stands, after each chunk.
    public struct Progress: Sendable {
        public var files: Int, total: Int, digits: Int
    }

    /// Scans and reads `entries` in order into `results`; returns the number of files done, fewer than
    /// `entries.count` when `shouldStop` said so between two chunks.
    public func run(_ entries: [InputEntry], into results: BatchResults, progress: (Progress) -> Void,
                    shouldStop: () -> Bool) -> Int {
        // One file has the cores to itself: OpenCV may spread its page operations over them, and the page's
        // marks are normalised on all of them.
        if threads > 1 { Pipeline.useOpenCVThreads(entries.count == 1 ? threads : 1) }
        var job = self
        // So do the networks reading its marks as it is scanned (a page of text has thousands).
        job.scanning(on: entries.count == 1 ? threads : 1)
        let chunkSize = max(threads * 16, 64)
        let writer = DispatchQueue(label: "digits.results")
        let waiting = DispatchSemaphore(value: 2)
        var done = 0, digitsRead = 0
        while done < entries.count && !shouldStop() {
            let chunk = Array(entries[done..<min(entries.count, done + chunkSize)])
            // Progress as each file is scanned: a chunk of large pages takes many seconds.
            let before = done, readSoFar = digitsRead
            let outcomes = withoutActuallyEscaping(progress) { progress in
                job.scan(chunk) { scanned, digits in progress(Progress(files: before + scanned, total: entries.count, digits: readSoFar + digits)) }
            }
            waiting.wait()
            // The last chunk has the cores to itself.
            let readThreads = done + chunk.count >= entries.count ? threads : 1
            writer.async { [self] in
                var outcomes = outcomes
                read(&outcomes, threads: readThreads)
                for o in outcomes { results.add(o) }
                waiting.signal()
            }
            done += chunk.count
            digitsRead += outcomes.reduce(0) { $0 + ($1.result?.digits.count ?? 0) }
            progress(Progress(files: done, total: entries.count, digits: digitsRead))
        }
        writer.sync {}
        return done
    }

    /// Scans `chunk` on the workers; outcomes in input order. `scanned` hears, one call at a time, how many
    /// files of the chunk are done and how many digits they held.
    func scan(_ chunk: [InputEntry], scanned: (Int, Int) -> Void = { _, _ in }) -> [FileOutcome] {
        var outcomes = [FileOutcome](repeating: FileOutcome(path: ""), count: chunk.count)
        let next = NextIndex(), tally = Tally()
        withoutActuallyEscaping(scanned) { scanned in
            let report = UncheckedSendable(scanned)
            outcomes.withUnsafeMutableBufferPointer { buf in
                let out = UnsafeSlots(buf)
                DispatchQueue.concurrentPerform(iterations: min(threads, chunk.count)) { _ in
                    while let k = next.take(below: chunk.count) {
                        let o = scan(chunk[k])
                        out[k] = o
                        tally.add(digits: o.result?.digits.count ?? 0) { report.value($0, $1) }
                    }
                }
            }
        }
        return outcomes
    }

    /// One batched pass of the network over every digit of `outcomes`; if the engine fails, the files with
    /// digits become errors that say why.
    public func read(_ outcomes: inout [FileOutcome], threads: Int) {
        do {
            // Samples the scan has read already (wide marks) are not read again.
            let unread = outcomes.flatMap { $0.result?.digits.filter { $0.probabilities == nil }.map(\.sample) ?? [] }
            let rows = try engine.probabilityRows(unread, threads: threads)
            var next = 0
            for k in outcomes.indices {
                outcomes[k].probabilities = (outcomes[k].result?.digits ?? []).map { d in
                    if let p = d.probabilities { return p }
                    next += 1
                    return rows[next - 1]
                }
            }
        } catch {
            for k in outcomes.indices where !(outcomes[k].result?.digits.isEmpty ?? true) {
                outcomes[k] = FileOutcome(path: outcomes[k].path, error: "\(error)")
            }
        }
    }

    /// Decodes and scans one input; never throws: failures become the outcome's error.
    public func scan(_ entry: InputEntry) -> FileOutcome {
        if let problem = entry.problem { return FileOutcome(path: entry.name, error: problem) }
        do {
            let image: GrayImage
            if entry.path == InputEntry.standardInput {
                let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
                // A PDF's pages are counted from its file; from a pipe there is no file to count them in.
                if bytes.starts(with: Array("%PDF-".utf8)) {
                    throw ScanError.notAnImage("-: a PDF on standard input is not read; name the PDF file instead")
                }
                image = try Decoder.decode(bytes, name: entry.path, maxPixels: options.maxPixels)
            } else if let page = entry.page {
                image = try Pages.load(entry.path, page: page, dpi: dpi, maxPixels: options.maxPixels)
            } else {
                image = try Decoder.load(entry.path, maxPixels: options.maxPixels)
            }
            let result = try Pipeline.scanUpright(image, options: options) { try engine.probabilityRows($0, threads: options.threads) }
            return FileOutcome(path: entry.name, result: result)
        } catch let e as ScanError {
            // The shim's message starts with the path; keep the reason alone.
            return FileOutcome(path: entry.name, error: e.reason(for: entry.path))
        } catch {
            return FileOutcome(path: entry.name, error: "\(error)")
        }
    }
}

/// Counts files and digits as workers finish them, and reports each new count under one lock.
final class Tally: @unchecked Sendable {
    private var files = 0, digits = 0
    private let lock = NSLock()

    func add(digits d: Int, report: (Int, Int) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        files += 1
        digits += d
        report(files, digits)
    }
}

/// A value handed to concurrent workers that the caller guarantees is used safely (here: only under a lock).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
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
