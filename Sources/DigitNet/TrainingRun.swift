import Foundation

/// Errors about a run folder.
public enum TrainingRunError: Error, CustomStringConvertible {
    case exists(String)
    case nothingToResume(String)

    public var description: String {
        switch self {
        case let .exists(d): return "\(d): already holds a training run; pass --resume to continue it or choose another --out"
        case let .nothingToResume(d): return "\(d): no checkpoint.safetensors to resume from"
        }
    }
}

/// A run folder: `history.csv` (one row per epoch), `checkpoint.safetensors` (full training state) and
/// `model.safetensors` (the weights to use), all rewritten atomically after every epoch.
public struct TrainingRun {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public var historyURL: URL { directory.appendingPathComponent("history.csv") }
    public var checkpointURL: URL { directory.appendingPathComponent("checkpoint.safetensors") }
    public var modelURL: URL { directory.appendingPathComponent("model.safetensors") }

    /// Prepares the folder. With `resume`, restores `trainer` from the checkpoint and keeps the history up to
    /// it; without, refuses a folder that already holds a run.
    public func open(_ trainer: inout Trainer, resume: Bool) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let hasCheckpoint = fm.fileExists(atPath: checkpointURL.path)
        if resume {
            guard hasCheckpoint else { throw TrainingRunError.nothingToResume(directory.path) }
            try trainer.restore(from: Safetensors(contentsOf: checkpointURL), name: checkpointURL.path)
            let kept = history().filter { $0.epoch <= trainer.epoch }
            try writeHistory(kept)
        } else {
            guard !hasCheckpoint else { throw TrainingRunError.exists(directory.path) }
            try writeHistory([])
        }
    }

    /// The rows of history.csv (none if it is missing).
    public func history() -> [EpochRecord] {
        guard let text = try? String(contentsOf: historyURL, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { EpochRecord(csvLine: String($0)) }
    }

    private func writeHistory(_ rows: [EpochRecord]) throws {
        let text = ([EpochRecord.csvHeader] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: historyURL, options: .atomic)
    }

    /// Records a finished epoch: history row, checkpoint, model.
    public func save(_ trainer: Trainer, record: EpochRecord, extraMetadata: [String: String] = [:]) throws {
        try trainer.checkpoint().write(to: checkpointURL)
        var meta = extraMetadata
        meta["epoch"] = String(record.epoch)
        meta["validation_accuracy"] = String(record.validationAccuracy)
        try Classifier(members: [trainer.evaluationNetwork], metadata: meta).write(to: modelURL)
        try writeHistory(history().filter { $0.epoch < record.epoch } + [record])
    }
}
