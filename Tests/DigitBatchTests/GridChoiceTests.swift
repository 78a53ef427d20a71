@testable import DigitBatch
import DigitImage
import DigitReport
import XCTest

final class GridChoiceTests: XCTestCase {
    func tile(_ confidence: Double, _ status: TileStatus) -> DigitTile {
        DigitTile(sample: GrayImage(width: 28, height: 28, value: 0), predicted: 1, confidence: confidence, status: status)
    }

    /// `review` shows what a person must look at, `wrong` only the mistakes; confidence order is least sure
    /// first and keeps input order among equals.
    func testSelectionAndOrder() {
        let tiles = [tile(0.9, .right), tile(0.5, .wrong), tile(0.7, .review), tile(0.5, .notDigit), tile(0.99, .unknown)]
        XCTAssertEqual(tiles.filter(GridChoice(marks: .all).shows).count, 5)
        XCTAssertEqual(tiles.filter(GridChoice(marks: .review).shows).map(\.status), [.wrong, .review])
        XCTAssertEqual(tiles.filter(GridChoice(marks: .wrong).shows).map(\.status), [.wrong])
        XCTAssertEqual(GridChoice.leastSureFirst(tiles).map(\.status), [.wrong, .notDigit, .review, .right, .unknown])
    }

    /// A grid that cannot show every mark says how many it shows and where the rest are.
    func testTitleSaysWhatIsLeftOut() {
        XCTAssertEqual(GridChoice(marks: .review, order: .confidence).title(shown: 10, eligible: 10),
                       "Held for review or read wrong, least sure first")
        XCTAssertEqual(GridChoice().title(shown: 2000, eligible: 2328),
                       "Predictions (2000 of 2328; every mark is in predictions.csv)")
    }
}
