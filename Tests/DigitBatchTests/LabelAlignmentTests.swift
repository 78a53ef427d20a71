import DigitBatch
import XCTest

final class LabelAlignmentTests: XCTestCase {
    func testAReadingOfTheLabelsLengthIsMatchedDigitByDigit() {
        XCTAssertEqual(LabelAlignment.truths(read: [4, 1, 3], label: [4, 7, 3]), [4, 7, 3])
        // Two digits read for others stay pairs, though a missed and an extra digit would cost as much.
        XCTAssertEqual(LabelAlignment.truths(read: [1, 2], label: [2, 1]), [2, 1])
    }

    func testADroppedDigitIsOneMistakeNotARunOfThem() {
        // 280545 read as 80545: every digit read meets its own truth.
        XCTAssertEqual(LabelAlignment.truths(read: [8, 0, 5, 4, 5], label: [2, 8, 0, 5, 4, 5]), [8, 0, 5, 4, 5])
        // A 7 dropped in the middle, and a digit read wrong after it.
        XCTAssertEqual(LabelAlignment.truths(read: [3, 3, 1], label: [3, 7, 3, 7]), [3, 3, 7])
    }

    func testADigitReadWhereTheLabelHasNoneHasNoTruth() {
        XCTAssertEqual(LabelAlignment.truths(read: [6, 3, 8, 3, 2, 6, 1], label: [6, 3, 8, 3, 2, 6]),
                       [6, 3, 8, 3, 2, 6, nil])
        XCTAssertEqual(LabelAlignment.truths(read: [1, 1, 8], label: [1, 8]), [nil, 1, 8])
        XCTAssertEqual(LabelAlignment.truths(read: [5, 9], label: []), [nil, nil])
        XCTAssertEqual(LabelAlignment.truths(read: [], label: [5, 9]), [])
    }
}
