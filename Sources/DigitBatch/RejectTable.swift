import DigitNet

/// What `--reject-below P` would do on a labelled set: the share of digits held for review, and the error
/// rate of the digits accepted.
public struct RejectRow: Sendable, Equatable {
    public var threshold: Double
    public var heldFraction: Double
    public var acceptedErrorRate: Double

    /// The thresholds the tables show.
    public static let thresholds = [0.5, 0.7, 0.9, 0.95, 0.99, 0.999]

    /// One row per threshold for probabilities [N, classes] and the true classes.
    public static func table(probabilities p: Tensor, labels: [UInt8], thresholds: [Double] = thresholds) -> [RejectRow] {
        let tops = (0..<labels.count).map { p.row($0).top }
        return thresholds.map { t in
            var held = 0, wrong = 0
            for (i, top) in tops.enumerated() {
                if Double(top.value) < t { held += 1 } else if top.index != Int(labels[i]) { wrong += 1 }
            }
            let accepted = labels.count - held
            return RejectRow(threshold: t, heldFraction: Double(held) / Double(max(1, labels.count)),
                             acceptedErrorRate: accepted == 0 ? 0 : Double(wrong) / Double(accepted))
        }
    }
}
