import DigitNet
import DigitReport
import Foundation

/// A training run's history.csv, read back and drawn.
public enum TrainingHistory {
    /// Training history as the reports module's plain points.
    public static func points(_ records: [EpochRecord]) -> [EpochPoint] {
        records.map { EpochPoint(epoch: Double($0.epoch), trainLoss: $0.trainLoss, validationLoss: $0.validationLoss,
                                 trainAccuracy: $0.trainAccuracy, validationAccuracy: $0.validationAccuracy) }
    }

    /// The epochs of a history.csv file, or of the one in a run folder (`digits train --out`).
    public static func read(_ given: String) throws -> [EpochRecord] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: given, isDirectory: &isDir) else {
            throw BatchError.notResults(path: given, reason: "no such file or folder")
        }
        let path = isDir.boolValue ? (given as NSString).appendingPathComponent("history.csv") : given
        if isDir.boolValue && !FileManager.default.fileExists(atPath: path) {
            throw BatchError.notResults(path: given, reason: "no history.csv in this folder (a run folder is the --out of `digits train`)")
        }
        let text: String
        do { text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8) } catch {
            throw BatchError.notResults(path: path, reason: "cannot read: \((error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription)")
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.first?.hasPrefix("epoch,") == true else {
            throw BatchError.notResults(path: path, reason: "not a history.csv (its first line should be \(EpochRecord.csvHeader))")
        }
        let records = lines.dropFirst().compactMap { EpochRecord(csvLine: $0) }
        guard !records.isEmpty else { throw BatchError.notResults(path: path, reason: "holds no epochs") }
        return records
    }

    /// loss.png and accuracy.png in `dir`.
    public static func plot(_ records: [EpochRecord], to dir: String) throws {
        try plot([("", records)], to: dir)
    }

    /// loss.png and accuracy.png in `dir`, several runs compared (each named).
    public static func plot(_ runs: [(name: String, records: [EpochRecord])], to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try TrainingPlots.write(runs.map { ($0.name, points($0.records)) }, to: dir)
    }
}
