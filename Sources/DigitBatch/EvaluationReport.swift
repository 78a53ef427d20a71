import DigitImage
import DigitNet
import DigitReport
import Foundation

/// The pictures and PDF of `digits evaluate`: confusion matrix, the per-class and reject-threshold tables the
/// terminal shows, misclassified digits worst first, and the first 200 predictions.
public enum EvaluationReport {
    /// Writes confusion.png, misclassified*.png, predictions.png and report.pdf into `dir`.
    public static func write(to dir: String, classifier: Classifier, modelPath: String, test: LabeledImages,
                             result: Evaluation) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let c = result.confusion
        var tiles = [DigitTile]()
        for i in 0..<test.count {
            let (digit, confidence) = result.probabilities.row(i).top
            let truth = Int(test.labels[i])
            let pixels = Array(test.pixels[(i * 784)..<((i + 1) * 784)])
            tiles.append(DigitTile(sample: GrayImage(width: 28, height: 28, pixels: pixels), predicted: digit,
                                   confidence: Double(confidence), truth: truth, status: digit == truth ? .right : .wrong,
                                   caption: "#\(i)"))
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
        ], sections: [.confusion(confusion), perClass(c), rejects(result.probabilities, labels: test.labels)]
            + mistakes.pages(perPage: 60).map { .grid($0) } + [.grid(sample)])
        try doc.writePDF(to: dir + "/report.pdf")
    }

    /// Precision, recall and count of each digit.
    static func perClass(_ c: ConfusionMatrix) -> Report.Section {
        .table(title: "Per class", columns: ["class", "precision", "recall", "count"], widths: [0.25, 0.25, 0.25, 0.25],
               rows: (0..<min(c.classes, MarkClasses.digits)).map { k in
                   [String(k), String(format: "%.2f %%", 100 * c.precision(k)), String(format: "%.2f %%", 100 * c.recall(k)),
                    String(c.counts[k].reduce(0, +))]
               })
    }

    /// What each --reject-below threshold would hold back, and the error rate of the rest.
    static func rejects(_ p: Tensor, labels: [UInt8]) -> Report.Section {
        .table(title: "--reject-below", columns: ["threshold", "held for review", "error rate of the rest"], widths: [0.3, 0.35, 0.35],
               rows: RejectRow.table(probabilities: p, labels: labels).map { r in
                   [String(format: "%g", r.threshold), String(format: "%.2f %%", 100 * r.heldFraction),
                    String(format: "%.3f %%", 100 * r.acceptedErrorRate)]
               })
    }
}

