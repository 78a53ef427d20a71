@testable import DigitVision
import DigitImage
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

    /// A line sits where its digits do: a faded 5 whose top bar broke off as a dash above it leaves the zeros
    /// after it on the 5's line, and a second line of digits below stays a line of its own.
    func testADashAboveTheDigitsDoesNotMoveTheirLine() {
        let boxes = [Box(x: 18, y: 11, width: 53, height: 53), Box(x: 58, y: 13, width: 36, height: 11),
                     Box(x: 91, y: 30, width: 28, height: 32), Box(x: 122, y: 39, width: 21, height: 23),
                     Box(x: 149, y: 40, width: 34, height: 25), Box(x: 20, y: 110, width: 30, height: 50)]
        let regions = boxes.enumerated().map { DigitRegion(box: $1, labels: [Int32($0 + 1)], area: 500, line: 0, cell: nil) }
        let ordered = Segmenter.readingOrder(regions)
        XCTAssertEqual(ordered.map(\.labels), [[1], [2], [3], [4], [5], [6]])
        XCTAssertEqual(ordered.map(\.line), [0, 0, 0, 0, 0, 1])
    }

    /// A dot just over a narrow stroke makes an i or a j, whether the dot is left out as a speck (far above)
    /// or joined to the stroke (close above), and a dot under a stroke a ! or a ?; a 1 alone, a 1 with a
    /// speck beside it, a 7 whose bar is a separate stroke above it, a 1 whose foot broke off where the ink
    /// is faint, a 1 followed by a full stop, and a 5 whose bar came loose are not dotted.
    func testADotOverAStrokeIsAnIOrAJ() {
        let stroke = mark(1, x: 50, y: 100, width: 14, height: 80, area: 700)
        let page = (width: 300, height: 300)
        let far = mark(2, x: 52, y: 62, width: 10, height: 10, area: 80)     // 28 px above the stroke
        let close = mark(2, x: 51, y: 80, width: 10, height: 11, area: 85)   // 9 px above: joined to it
        let beside = mark(2, x: 90, y: 80, width: 10, height: 10, area: 80)  // not over the stroke
        let bar = mark(2, x: 40, y: 84, width: 40, height: 8, area: 300)     // a bar, not a dot
        let other = mark(3, x: 200, y: 100, width: 50, height: 80, area: 1500)  // a digit on the same line
        func regions(_ marks: [Component]) -> [DigitRegion] {
            Segmenter.regions(marks + [other], width: page.width, height: page.height).regions
        }
        XCTAssertEqual(regions([stroke, far]).map(\.dotted), [true, false])
        XCTAssertEqual(regions([stroke, close]).map(\.labels), [[1, 2], [3]])
        XCTAssertEqual(regions([stroke, close]).map(\.dotted), [true, false])
        XCTAssertEqual(regions([stroke]).map(\.dotted), [false, false])
        XCTAssertFalse(regions([stroke, beside]).contains(where: \.dotted))
        XCTAssertFalse(regions([stroke, bar]).contains(where: \.dotted))
        let under = mark(2, x: 52, y: 192, width: 10, height: 10, area: 80)  // 12 px below: a !
        XCTAssertEqual(regions([stroke, under]).map(\.dotted), [true, false])
        let foot = mark(2, x: 51, y: 182, width: 12, height: 12, area: 130)  // 2 px below: the same stroke
        XCTAssertFalse(regions([stroke, foot]).contains(where: \.dotted))
        let stop = mark(2, x: 70, y: 170, width: 10, height: 10, area: 80)   // on the baseline, beside the 1
        XCTAssertFalse(regions([stroke, stop]).contains(where: \.dotted))
        // A 5 whose bar came loose: a short thick bar over a body wider than half its height.
        let body = mark(1, x: 50, y: 110, width: 40, height: 70, area: 900)
        let loose = mark(2, x: 58, y: 92, width: 30, height: 12, area: 300)
        XCTAssertFalse(regions([body, loose]).contains(where: \.dotted))
    }

    /// Marks are joined as a search that starts again from the first pair after every join would join them:
    /// the first pair (i, j) that joins, each time, on pages of pieces of ink in clusters.
    func testJoiningGoesPairByPairInOrder() {
        func restarting(_ input: [DigitRegion]) -> [DigitRegion] {
            var groups = input
            var changed = true
            while changed {
                changed = false
                outer: for i in groups.indices {
                    for j in groups.indices where j > i && Segmenter.joins(groups[i].box, groups[j].box) {
                        groups[i] = DigitRegion(box: groups[i].box.union(groups[j].box), labels: groups[i].labels + groups[j].labels,
                                                area: groups[i].area + groups[j].area, line: 0, cell: nil)
                        groups.remove(at: j)
                        changed = true
                        break outer
                    }
                }
            }
            return groups
        }
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<20 {
            // Forty places, each with one to five pieces of ink close together (digits in strokes, specks).
            var marks = [DigitRegion]()
            for _ in 0..<40 {
                let (x, y) = (20 + next(1400), 20 + next(900))
                for _ in 0...next(5) {
                    marks.append(DigitRegion(box: Box(x: x + next(40) - 20, y: y + next(50) - 25, width: 3 + next(30), height: 3 + next(40)),
                                             labels: [Int32(marks.count + 1)], area: 50, line: 0, cell: nil))
                }
            }
            let expected = restarting(marks)
            XCTAssertLessThan(expected.count, marks.count - 20, "marks join")
            XCTAssertGreaterThan(expected.count, 30, "into many groups")
            XCTAssertEqual(Segmenter.merged(marks).map(\.labels), expected.map(\.labels))
            XCTAssertEqual(Segmenter.merged(marks), expected)
        }
    }
}
