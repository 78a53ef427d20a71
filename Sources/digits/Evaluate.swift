import ArgumentParser
import DigitData
import DigitNet
import DigitReport
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

    @Option(help: "Folder for confusion.png, misclassified.png, predictions.png and report.pdf.")
    var report: String?

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
        if let report {
            try writeReport(report, classifier: classifier, modelPath: modelPath, test: test, result: result)
        }
        // What --reject-below P would do on this set: share held for review, error rate of the rest.
        let thresholds = [0.5, 0.7, 0.9, 0.95, 0.99, 0.999].map { t -> (Double, Double, Double) in
            var held = 0, wrong = 0
            for i in 0..<test.count {
                let (digit, confidence) = top(result.probabilities, i)
                if confidence < t { held += 1 } else if digit != Int(test.labels[i]) { wrong += 1 }
            }
            let accepted = test.count - held
            return (t, Double(held) / Double(max(1, test.count)), accepted == 0 ? 0 : Double(wrong) / Double(accepted))
        }
        if json {
            let object: [String: Any] = [
                "reject_below": thresholds.map { ["p": $0.0, "review_fraction": $0.1, "accepted_error_rate": $0.2] },
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
        print("\n--reject-below  held for review  error rate of the rest")
        for (t, held, error) in thresholds {
            print(String(format: "%14g  %14.2f%%  %19.3f%%", t, 100 * held, 100 * error))
        }
        print("\nconfusion (rows: true class, columns: predicted)")
        print("      " + (0..<c.classes).map { String(format: "%5d", $0) }.joined())
        for k in 0..<c.classes {
            print(String(format: "%5d ", k) + c.counts[k].map { String(format: "%5d", $0) }.joined())
        }
    }

    func writeReport(_ dir: String, classifier: Classifier, modelPath: String, test: LabeledImages, result: Evaluation) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let c = result.confusion
        var tiles = [DigitTile]()
        for i in 0..<test.count {
            let (digit, confidence) = top(result.probabilities, i)
            let truth = Int(test.labels[i])
            let pixels = Array(test.pixels[(i * 784)..<((i + 1) * 784)])
            tiles.append(DigitTile(sample: Raster(width: 28, height: 28, pixels: pixels), predicted: digit, confidence: confidence,
                                   truth: truth, status: digit == truth ? .right : .wrong, caption: "#\(i)"))
        }
        let name = URL(fileURLWithPath: modelPath).lastPathComponent
        let accuracy = String(format: "%.2f%%", 100 * c.accuracy)
        let confusion = ConfusionChart(title: "Confusion matrix — \(name), accuracy \(accuracy)", counts: c.counts)
        let mistakes = DigitGrid(title: "Misclassified: \(c.total - c.correct) of \(c.total), worst first",
                                 tiles: DigitGrid.mistakes(tiles), kind: .mistakes)
        let sample = DigitGrid(title: "Predictions on the first 200 test images", tiles: Array(tiles.prefix(200)))
        try confusion.writePNG(to: dir + "/confusion.png")
        try mistakes.writePNGs(directory: dir, base: "misclassified", perPage: 120)
        try sample.writePNGs(directory: dir, base: "predictions", perPage: 200)
        let doc = Report(title: "digits evaluate", summary: [
            ("model", name), ("architecture", classifier.architecture + (classifier.members.count > 1 ? " × \(classifier.members.count)" : "")),
            ("images", String(c.total)), ("accuracy", accuracy), ("mistakes", String(c.total - c.correct)),
            ("mean loss", String(format: "%.4f", result.loss)),
        ], sections: [.confusion(confusion)] + mistakes.pages(perPage: 60).map { .grid($0) } + [.grid(sample)])
        try doc.writePDF(to: dir + "/report.pdf")
        print("report: \(dir)/confusion.png, misclassified.png, predictions.png, report.pdf")
    }
}
