import ArgumentParser
import DigitBatch
import DigitData
import DigitNet
import Foundation

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accuracy, per-class precision and recall and the confusion matrix of a model on a test set.")

    @OptionGroup var model: ModelOption
    @OptionGroup var data: DataOption
    @OptionGroup var threads: ThreadsOption

    @Option(help: "Folder for confusion.png, misclassified.png, predictions.png and report.pdf.")
    var report: String?

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func run() throws {
        useSingleThreadedBLAS()
        let (classifier, modelPath) = try model.load()
        let test = try Failure.setUp { try DataSet.resolve(data.data).test() }
        let result = Evaluation(data: test) { classifier.probabilities($0, batchSize: 500, threads: threads.threads) }
        let c = result.confusion
        if let report {
            try Failure.working {
                try EvaluationReport.write(to: report, classifier: classifier, modelPath: modelPath, test: test, result: result)
            }
            print("report: \(report)/confusion.png, misclassified.png, predictions.png, report.pdf")
        }
        let rejects = RejectRow.table(probabilities: result.probabilities, labels: test.labels)
        if json {
            let object: [String: Any] = [
                "reject_below": rejects.map { ["p": $0.threshold, "review_fraction": $0.heldFraction, "accepted_error_rate": $0.acceptedErrorRate] },
                "model": modelPath, "architecture": classifier.architecture, "members": classifier.members.count,
                "accuracy": c.accuracy, "count": c.total, "correct": c.correct, "loss": result.loss,
                "precision": (0..<c.classes).map { c.precision($0) }, "recall": (0..<c.classes).map { c.recall($0) },
                "confusion": c.counts,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("model    \(modelPath) (\(classifier.architecture)\(classifier.members.count > 1 ? ", ensemble of \(classifier.members.count)" : ""))")
        print(String(format: "accuracy %.2f%% (%d of %d right), loss %.4f", 100 * c.accuracy, c.correct, c.total, result.loss))
        // The rows of the ten digits (a page model's other classes have no test images).
        let digits = min(c.classes, MarkClasses.digits)
        print("\nclass  precision  recall   count")
        for k in 0..<digits {
            print(String(format: "%5d  %8.2f%%  %6.2f%%  %6d", k, 100 * c.precision(k), 100 * c.recall(k), c.counts[k].reduce(0, +)))
        }
        print("\n--reject-below  held for review  error rate of the rest")
        for r in rejects {
            print(String(format: "%14g  %14.2f%%  %19.3f%%", r.threshold, 100 * r.heldFraction, 100 * r.acceptedErrorRate))
        }
        print("\nconfusion (rows: true class, columns: predicted)")
        print("      " + (0..<c.classes).map { String(format: "%5d", $0) }.joined())
        for k in 0..<digits {
            print(String(format: "%5d ", k) + c.counts[k].map { String(format: "%5d", $0) }.joined())
        }
        if c.classes > digits { print("(column 10: read as not a digit; 11: as several digits)") }
    }
}
