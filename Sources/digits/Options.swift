import ArgumentParser
import DigitBatch
import DigitNet
import Foundation

/// `--model FILE`: a trained model; the bundled one when absent.
struct ModelOption: ParsableArguments {
    @Option(help: "Model file (default: the bundled pretrained model).")
    var model: String?

    /// The model and the file it came from; exit 2 when it cannot be loaded.
    func load() throws -> (Classifier, String) { try Failure.setUp { try loadClassifier(model) } }
}

/// `--reader FILE|none`: the line reader for wide marks; the bundled one when absent.
struct ReaderOption: ParsableArguments {
    @Option(help: "Line reader for numbers whose digits touch (default: the bundled one; none: cut marks into digits with the model alone).")
    var reader: String?

    /// The line reader; exit 2 when it cannot be loaded.
    func load() throws -> LineReader? { try Failure.setUp { try loadLineReader(reader) } }
}

/// `--data DIR`: where the MNIST IDX files are.
struct DataOption: ParsableArguments {
    @Option(help: "Folder with the four IDX files (default: $DIGITS_DATA, else ~/.cache/digits/mnist).")
    var data: String?
}

/// `--threads N` (also `--jobs N`): how many cores to use; more threads than cores only compete.
struct ThreadsOption: ParsableArguments {
    @Option(name: [.customLong("threads"), .customLong("jobs")], parsing: .unconditional,
            help: "Threads to use (default and most: every core).")
    var requested: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard requested >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// The threads to run: as requested, at most one per core.
    var threads: Int { min(requested, ProcessInfo.processInfo.activeProcessorCount) }
}

/// `--out DIR --overwrite`: the output folder of a batch run.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output folder.")
    var out: String = "digits-out"

    @Flag(help: "Replace the results of an earlier run in --out.")
    var overwrite = false

    /// The folder, ready for a run; exit 2 when it cannot be used.
    func folder() throws -> OutputFolder { try Failure.setUp { try OutputFolder(out, overwrite: overwrite) } }
}

extension Architecture: ExpressibleByArgument {}
extension EngineKind: ExpressibleByArgument {}
extension FileReading.Format: ExpressibleByArgument {}
extension GridChoice.Marks: ExpressibleByArgument {}
extension GridChoice.Order: ExpressibleByArgument {}

extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Architectures named in a comma-separated list: `mlp,lenet`.
struct ArchitectureList: ExpressibleByArgument {
    var items: [Architecture]

    init(_ items: [Architecture]) { self.items = items }

    init?(argument: String) {
        let items = argument.split(separator: ",").compactMap { Architecture(rawValue: String($0)) }
        guard !items.isEmpty, items.count == argument.split(separator: ",").count else { return nil }
        self.items = items
    }

    var defaultValueDescription: String { items.map(\.rawValue).joined(separator: ",") }
}
