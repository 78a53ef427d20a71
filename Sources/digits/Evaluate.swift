import ArgumentParser
import DigitData
import DigitNet
import Foundation

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accuracy, per-class precision and recall and the confusion matrix of a model on a test set.")

    @Option(help: "Model file (default: the bundled pretrained model).")
    var model: String?

    @Option(help: "Folder with the IDX files (default: $DIGITS_DATA, else ~/.cache/digits/mnist).")
    var data: String?

    @Option(help: "Threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func run() throws {
        useSingleThreadedBLAS()
        let classifier: Classifier, modelPath: String, test: LabeledImages
        do {
            (classifier, modelPath) = try loadClassifier(model)
            test = try DataSet.resolve(data).test()
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let result = Evaluation(data: test) { classifier.probabilities($0, batchSize: 500, threads: threads) }
        let c = result.confusion
        if json {
            let object: [String: Any] = [
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
        print("\nclass  precision  recall   count")
        for k in 0..<c.classes {
            print(String(format: "%5d  %8.2f%%  %6.2f%%  %6d", k, 100 * c.precision(k), 100 * c.recall(k), c.counts[k].reduce(0, +)))
        }
        print("\nconfusion (rows: true class, columns: predicted)")
        print("      " + (0..<c.classes).map { String(format: "%5d", $0) }.joined())
        for k in 0..<c.classes {
            print(String(format: "%5d ", k) + c.counts[k].map { String(format: "%5d", $0) }.joined())
        }
    }
}
