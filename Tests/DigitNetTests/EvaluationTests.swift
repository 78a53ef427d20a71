@testable import DigitNet
import XCTest

final class EvaluationTests: XCTestCase {
    func testConfusionFigures() {
        var c = ConfusionMatrix(classes: 3)
        for (t, p) in [(0, 0), (0, 0), (0, 1), (1, 1), (2, 1), (2, 2)] { c.add(truth: t, prediction: p) }
        XCTAssertEqual(c.total, 6)
        XCTAssertEqual(c.accuracy, 4.0 / 6)
        XCTAssertEqual(c.recall(0), 2.0 / 3)
        XCTAssertEqual(c.precision(1), 1.0 / 3)
        XCTAssertEqual(c.precision(2), 1)
    }

    func testEvaluationScoresGivenProbabilities() {
        let data = LabeledImages(rows: 1, columns: 1, pixels: [0, 0, 0], labels: [0, 1, 1])
        let e = Evaluation(data: data) { x in
            Tensor(shape: [x.batch, 2], data: [Float](repeating: 0, count: 0) + (0..<x.batch).flatMap { _ in [0.75, 0.25] as [Float] })
        }
        XCTAssertEqual(e.accuracy, 1.0 / 3)
        XCTAssertEqual(e.loss, -(log(0.75) + 2 * log(0.25)) / 3, accuracy: 1e-6)
    }
}
