@testable import DigitBatch
import DigitNet
import DigitReport
import XCTest

final class EvaluationReportTests: XCTestCase {
    /// The PDF's tables hold what the terminal prints: precision, recall and count per digit, and what each
    /// threshold holds back.
    func testTablesHoldTheFigures() throws {
        var c = ConfusionMatrix(classes: 10)
        for _ in 0..<9 { c.add(truth: 3, prediction: 3) }
        c.add(truth: 3, prediction: 5)
        c.add(truth: 5, prediction: 5)
        guard case let .table(_, columns, _, rows) = EvaluationReport.perClass(c) else { return XCTFail("not a table") }
        XCTAssertEqual(columns, ["class", "precision", "recall", "count"])
        XCTAssertEqual(rows.count, 10)
        XCTAssertEqual(rows[3], ["3", "100.00 %", "90.00 %", "10"])
        XCTAssertEqual(rows[5], ["5", "50.00 %", "100.00 %", "1"])
        // Two images: one sure and right, one unsure and wrong.
        let p = Tensor(shape: [2, 10], data: [0.99] + [Float](repeating: 0.001, count: 9) + [0.6, 0.4] + [Float](repeating: 0, count: 8))
        guard case let .table(_, _, _, held) = EvaluationReport.rejects(p, labels: [0, 1]) else { return XCTFail("not a table") }
        XCTAssertEqual(held.first, ["0.5", "0.00 %", "50.000 %"])
        XCTAssertEqual(held[1], ["0.7", "50.00 %", "0.000 %"])
    }
}
