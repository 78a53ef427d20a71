@testable import DigitBatch
import DigitImage
import DigitNet
@testable import DigitVision
import XCTest

/// Which marks of a line are taken as no digit, given what the network read in each.
final class TextLinesTests: XCTestCase {
    /// A page of one line: marks at these boxes (x, height), 40 wide, bottoms on one baseline.
    func page(_ marks: [(x: Int, height: Int)]) -> ScanResult {
        let digits = marks.enumerated().map { k, m in
            ScannedDigit(sample: [], box: Box(x: m.x, y: 100 - m.height, width: 40, height: m.height), line: 0, cell: nil,
                         strokeWidth: 4, mark: k)
        }
        return ScanResult(digits: digits, angle: 0, quarterTurns: 0, lightOnDark: false, grid: nil, width: 400, height: 200,
                          rejectedMarks: 0, warnings: [], stages: nil)
    }

    /// Class probabilities of a page model: `digit` at `p`, the rest on "not a digit".
    func row(_ digit: Int, _ p: Float) -> [Float] {
        var r = [Float](repeating: 0, count: MarkClasses.pageModel)
        r[digit] = p
        r[MarkClasses.notDigit] = 1 - p
        return r
    }

    func testAnOddMarkAmongTheDigitsOfANumberIsADigit() {
        // 2, 8, 0 read surely; the fourth mark, as tall, read as no digit at 0.75 (a 5 at 0.25).
        let result = page([(0, 60), (50, 62), (100, 58), (150, 60)])
        let none = TextLines.noDigits(result, probabilities: [row(2, 0.99), row(8, 0.98), row(0, 0.99), row(5, 0.25)])
        XCTAssertEqual(none, [false, false, false, false])
        // So it is when one of the three is itself read unsurely (an 8 at 0.7): two in three are sure.
        let one = TextLines.noDigits(result, probabilities: [row(2, 0.99), row(8, 0.7), row(0, 0.99), row(5, 0.25)])
        XCTAssertEqual(one, [false, false, false, false])
    }

    func testASureOrShortSymbolAmongDigitsStaysNoDigit() {
        // A mark read as no digit at 0.95 stays none; so does a short one (a dash) read at 0.75.
        let sure = TextLines.noDigits(page([(0, 60), (50, 62), (100, 58)]), probabilities: [row(2, 0.99), row(8, 0.98), row(5, 0.05)])
        XCTAssertEqual(sure, [false, false, true])
        let short = TextLines.noDigits(page([(0, 60), (50, 62), (100, 10)]), probabilities: [row(2, 0.99), row(8, 0.98), row(5, 0.25)])
        XCTAssertEqual(short, [false, false, true])
    }

    func testAnOddMarkNeedsANumberAroundIt() {
        // Alone, or beside a single digit, or among unsure digits, a mark read as no digit stays none.
        XCTAssertEqual(TextLines.noDigits(page([(0, 60)]), probabilities: [row(5, 0.25)]), [true])
        XCTAssertEqual(TextLines.noDigits(page([(0, 60), (50, 60)]), probabilities: [row(2, 0.99), row(5, 0.25)]), [false, true])
        let unsure = TextLines.noDigits(page([(0, 60), (50, 62), (100, 58)]), probabilities: [row(2, 0.99), row(8, 0.7), row(5, 0.25)])
        XCTAssertEqual(unsure, [false, false, true])
    }

    /// A word in capitals: O and S pass for digits, but N and E beside them are surely letters, so the whole
    /// word is. The symbols of an expression stand between digits one at a time, and its digits stay.
    func testLettersSideBySideMakeAWord() {
        let jones = page([(0, 60), (45, 60), (90, 60), (135, 60), (180, 60)])
        XCTAssertEqual(TextLines.noDigits(jones, probabilities: [row(5, 0.98), row(0, 0.99), row(1, 0.02), row(8, 0.01), row(5, 0.99)]),
                       [true, true, true, true, true])
        // 6 ( 3 + 8 ): a bracket and a plus surely no digits, but never two side by side.
        let expression = page([(0, 60), (45, 60), (90, 60), (135, 40), (180, 60)])
        XCTAssertEqual(TextLines.noDigits(expression, probabilities: [row(6, 0.99), row(1, 0.05), row(3, 0.99), row(4, 0.02), row(8, 0.99)]),
                       [false, true, false, true, false])
        // The same letters far apart are not one word: each is judged alone.
        let apart = page([(0, 60), (100, 60), (200, 60), (300, 60)])
        XCTAssertEqual(TextLines.noDigits(apart, probabilities: [row(5, 0.98), row(1, 0.02), row(8, 0.01), row(5, 0.99)]),
                       [false, true, true, false])
    }

    /// A mark the network gives mostly to "not a digit" and "several digits" together is no digit, though
    /// neither alone reaches the bar (a cursive word kept whole); among the sure digits of a number, such a
    /// mark that is mostly "not a digit" but not surely is still read as the digit it is likeliest to be.
    func testAMarkMostlyNoDigitIsNone() {
        var split = [Float](repeating: 0, count: MarkClasses.pageModel)
        split[0] = 0.3; split[MarkClasses.notDigit] = 0.4; split[MarkClasses.severalDigits] = 0.3
        XCTAssertEqual(TextLines.noDigits(page([(0, 60)]), probabilities: [split]), [true])
        var odd = split
        odd[2] = 0.1; odd[0] = 0.05; odd[MarkClasses.notDigit] = 0.5; odd[MarkClasses.severalDigits] = 0.35
        XCTAssertEqual(TextLines.noDigits(page([(0, 60), (50, 60), (100, 60)]), probabilities: [odd, row(5, 0.99), row(0, 0.99)]),
                       [false, false, false])
    }

    /// A mark alone on its page (a letter, a Q read as a 2 at 0.45) is no digit when "not a digit" and "several
    /// digits" together outweigh the digits; beside another digit, the same mark is read as its digit.
    func testALoneMarkMostlyNoDigitIsNone() {
        var q = [Float](repeating: 0, count: MarkClasses.pageModel)
        q[2] = 0.45; q[MarkClasses.notDigit] = 0.42; q[MarkClasses.severalDigits] = 0.13
        XCTAssertEqual(TextLines.noDigits(page([(0, 60)]), probabilities: [q]), [true])
        XCTAssertEqual(TextLines.noDigits(page([(0, 60), (50, 60)]), probabilities: [q, row(5, 0.99)]), [false, false])
        var two = q
        two[2] = 0.55; two[MarkClasses.notDigit] = 0.32
        XCTAssertEqual(TextLines.noDigits(page([(0, 60)]), probabilities: [two]), [false])
    }

    /// 25000 written with small zeros, blurred: the 2 and 5 run together into one mark read as two digits, a
    /// zero stands alone, the last two zeros run together. Small zeros read as zeros, alone or run together,
    /// are a number's and no short letters: the line is a number.
    func testZerosRunTogetherAreDigitsOfANumber() {
        let parts: [(x: Int, height: Int, mark: Int)] = [(0, 60, 0), (40, 60, 0), (90, 38, 1), (140, 34, 2), (180, 34, 2)]
        let digits = parts.map { p in
            ScannedDigit(sample: [], box: Box(x: p.x, y: 100 - p.height, width: 40, height: p.height), line: 0, cell: nil,
                         strokeWidth: 4, mark: p.mark)
        }
        let result = ScanResult(digits: digits, angle: 0, quarterTurns: 0, lightOnDark: false, grid: nil, width: 400, height: 200,
                                rejectedMarks: 0, warnings: [], stages: nil)
        let none = TextLines.noDigits(result, probabilities: [row(2, 0.97), row(5, 0.99), row(0, 0.95), row(0, 0.99), row(0, 0.99)])
        XCTAssertEqual(none, [false, false, false, false, false])
    }

    /// An amount on a cheque: 1782 written joined up (one mark read as four digits), a small last 0, and the
    /// dash drawn after it. The joined digits weigh as four marks of the line, so the small zero is no sign
    /// of short letters: the line is a number, and only the dash is no digit.
    func testDigitsRunTogetherWeighAsTheDigitsTheyHold() {
        var digits = (0..<4).map { k in
            ScannedDigit(sample: [], box: Box(x: 40 * k, y: 40, width: 40, height: 60), line: 0, cell: nil, strokeWidth: 4, mark: 0)
        }
        digits.append(ScannedDigit(sample: [], box: Box(x: 170, y: 66, width: 30, height: 34), line: 0, cell: nil, strokeWidth: 4, mark: 1))
        digits.append(ScannedDigit(sample: [], box: Box(x: 220, y: 65, width: 120, height: 20), line: 0, cell: nil, strokeWidth: 4, mark: 2))
        let result = ScanResult(digits: digits, angle: 0, quarterTurns: 0, lightOnDark: false, grid: nil, width: 400, height: 200,
                                rejectedMarks: 0, warnings: [], stages: nil)
        let rows = [row(1, 0.99), row(7, 0.65), row(8, 0.99), row(2, 0.99), row(0, 0.61), row(2, 0.01)]
        XCTAssertEqual(TextLines.noDigits(result, probabilities: rows), [false, false, false, false, false, true])
    }

    /// 25 + (3 + 2)): the two closing brackets stand side by side, each surely no digit, but brackets are
    /// slender strokes, not the letters of a word: the digits stay, the symbols are none.
    func testBracketsSideBySideAreNoWord() {
        // (x, width, height, bottom): digits 40x60 on the baseline, plus signs small and raised, brackets slender.
        let marks: [(x: Int, width: Int, height: Int, bottom: Int)] = [
            (0, 40, 60, 100), (50, 40, 60, 100), (100, 30, 30, 88), (140, 20, 60, 100), (170, 40, 60, 100),
            (220, 30, 30, 88), (260, 40, 60, 100), (310, 20, 60, 100), (340, 20, 60, 100),
        ]
        let digits = marks.enumerated().map { k, m in
            ScannedDigit(sample: [], box: Box(x: m.x, y: m.bottom - m.height, width: m.width, height: m.height), line: 0, cell: nil,
                         strokeWidth: 4, mark: k)
        }
        let result = ScanResult(digits: digits, angle: 0, quarterTurns: 0, lightOnDark: false, grid: nil, width: 400, height: 200,
                                rejectedMarks: 0, warnings: [], stages: nil)
        let rows = [row(2, 0.99), row(5, 0.99), row(4, 0.02), row(1, 0.05), row(3, 0.99), row(4, 0.02), row(2, 0.99),
                    row(7, 0.05), row(7, 0.05)]
        XCTAssertEqual(TextLines.noDigits(result, probabilities: rows), [false, false, true, true, false, true, false, true, true])
    }
}
