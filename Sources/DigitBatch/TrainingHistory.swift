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

    /// The epochs of a history.csv file.
    public static func read(_ path: String) throws -> [EpochRecord] {
        guard let text = try? String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8) else {
            throw BatchError.notResults(path: path, reason: "cannot read")
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
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try TrainingPlots.write(points(records), to: dir)
    }
}
