@testable import DigitVision
import XCTest

/// Which marks the segmenter keeps as digits.
final class SegmenterTests: XCTestCase {
    func mark(_ label: Int32, x: Int, y: Int, width: Int, height: Int, area: Int) -> Component {
        Component(label: label, x: x, y: y, width: width, height: height, area: area,
                  cx: Double(x) + Double(width) / 2, cy: Double(y) + Double(height) / 2)
    }

    /// A number scanned small and written joined up is one mark six times as wide as tall, but it stands as
    /// tall as its digits and fills much of its box: no long line. A thick rule as long, and a thin stroke
    /// slanting across a box of the same size, are lines.
    func testANumberWrittenJoinedUpIsNoLongLine() {
        let number = mark(1, x: 0, y: 3, width: 108, height: 17, area: 723)
        XCTAssertEqual(Segmenter.regions([number], width: 108, height: 20).regions.map(\.box.width), [108])

        let digits = [mark(1, x: 10, y: 20, width: 12, height: 17, area: 100), mark(2, x: 170, y: 20, width: 12, height: 17, area: 100)]
        let rule = mark(3, x: 30, y: 2, width: 108, height: 6, area: 648)
        let slant = mark(4, x: 30, y: 40, width: 108, height: 17, area: 230)
        let kept = Segmenter.regions(digits + [rule, slant], width: 200, height: 60).regions
        XCTAssertEqual(kept.map(\.box.x), [10, 170])
    }
}
