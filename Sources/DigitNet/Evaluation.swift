/// Counts of (true class, predicted class) pairs, and the figures derived from them.
public struct ConfusionMatrix: Sendable, Equatable {
    public let classes: Int
    /// counts[truth][prediction]
    public var counts: [[Int]]

    public init(classes: Int) {
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    public mutating func add(truth: Int, prediction: Int) { counts[truth][prediction] += 1 }

    public var total: Int { counts.joined().reduce(0, +) }
    public var correct: Int { (0..<classes).reduce(0) { $0 + counts[$1][$1] } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Of the items predicted as `c`, the fraction that are `c` (0 when nothing was predicted as `c`).
    public func precision(_ c: Int) -> Double {
        let predicted = (0..<classes).reduce(0) { $0 + counts[$1][c] }
        return predicted == 0 ? 0 : Double(counts[c][c]) / Double(predicted)
    }

    /// Of the items that are `c`, the fraction predicted as `c`.
    public func recall(_ c: Int) -> Double {
        let actual = counts[c].reduce(0, +)
        return actual == 0 ? 0 : Double(counts[c][c]) / Double(actual)
    }
}

/// The outcome of running a model over a labelled set.
public struct Evaluation: Sendable {
    public var confusion: ConfusionMatrix
    /// Mean cross-entropy.
    public var loss: Double
    /// Class probabilities per image, [N, classes].
    public var probabilities: Tensor

    public var accuracy: Double { confusion.accuracy }

    /// Runs `probabilities` over `data` in batches and scores it. The classes are the model's outputs (11
    /// when it can answer "not a digit", which counts as a wrong reading of a digit).
    public init(data: LabeledImages, probabilities: (Tensor) -> Tensor) {
        var confusion = ConfusionMatrix(classes: 10)
        var all = [Float]()
        var loss: Double = 0
        var classes = 10
        let batch = 1000
        var start = 0
        while start < data.count {
            let end = min(data.count, start + batch)
            let p = probabilities(data.tensor(start..<end))
            if start == 0 && p.shape[1] != confusion.classes {
                classes = p.shape[1]
                confusion = ConfusionMatrix(classes: classes)
                all.reserveCapacity(data.count * classes)
            }
            for i in 0..<(end - start) {
                let row = p.row(i)
                let truth = Int(data.labels[start + i])
                let predicted = MarkClasses.reading(row)
                confusion.add(truth: truth, prediction: predicted)
                loss -= Double(logf(max(row[row.startIndex + truth], 1e-12)))
            }
            all += p.data
            start = end
        }
        self.confusion = confusion
        self.loss = data.count == 0 ? 0 : loss / Double(data.count)
        self.probabilities = Tensor(shape: [data.count, classes], data: all)
    }
}

#if canImport(Glibc)
import Glibc
#endif
