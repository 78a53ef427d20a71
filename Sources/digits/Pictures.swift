import DigitNet
import DigitReport
import Foundation

/// Training history as the reports module's plain points.
func epochPoints(_ records: [EpochRecord]) -> [EpochPoint] {
    records.map { EpochPoint(epoch: Double($0.epoch), trainLoss: $0.trainLoss, validationLoss: $0.validationLoss,
                             trainAccuracy: $0.trainAccuracy, validationAccuracy: $0.validationAccuracy) }
}

/// The index of the largest value in row `i` of probabilities [N, 10], and that value.
func top(_ p: Tensor, _ i: Int) -> (digit: Int, confidence: Double) {
    let k = p.shape[1]
    var best = 0
    for j in 1..<k where p.data[i * k + j] > p.data[i * k + best] { best = j }
    return (best, Double(p.data[i * k + best]))
}
