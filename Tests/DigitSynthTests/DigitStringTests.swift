import DigitImage
import DigitNet
import DigitSynth
import XCTest

/// Small stand-in digits: a filled bar of a different height for each class, so the tests need no data set.
func bars(_ count: Int = 10) -> LabeledImages {
    var pixels = [UInt8](), labels = [UInt8]()
    for k in 0..<count {
        var img = [UInt8](repeating: 0, count: 784)
        for y in (14 - k)..<(14 + k + 4) { for x in 11..<17 { img[y * 28 + x] = 255 } }
        pixels += img
        labels.append(UInt8(k % 10))
    }
    return LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: labels)
}

final class DigitStringTests: XCTestCase {
    /// The same seed gives the same strings, pictures and training marks, byte for byte.
    func testGeneratorsAreDeterministic() {
        let digits = bars()
        var a = RandomSource(seed: 5), b = RandomSource(seed: 5)
        let s = DigitString.make([1, 2, 3], of: digits, touching: true, rng: &a)
        let t = DigitString.make([1, 2, 3], of: digits, touching: true, rng: &b)
        XCTAssertEqual(s.picture, t.picture)
        XCTAssertEqual(s.onPaper(&a), t.onPaper(&b))
        let x = StringBenchmark.make(from: digits, count: 6, seed: 3), y = StringBenchmark.make(from: digits, count: 6, seed: 3)
        XCTAssertEqual(x.map(\.image), y.map(\.image))
        XCTAssertEqual(x.map(\.label), y.map(\.label))
        XCTAssertEqual(x.filter(\.touching).count, 3)
        let m = TrainingMarks.make(from: digits, notDigits: 20, cutDigits: 10, seed: 9)
        let n = TrainingMarks.make(from: digits, notDigits: 20, cutDigits: 10, seed: 9)
        XCTAssertEqual(m.pixels, n.pixels)
        XCTAssertEqual(m.labels, n.labels)
        XCTAssertEqual(m.labels.filter { $0 >= 10 }.count, 20)
        XCTAssertNotEqual(TrainingMarks.make(from: digits, notDigits: 20, cutDigits: 10, seed: 10).pixels, m.pixels)
    }

    /// Touching digits share a column or meet; apart ones leave a gap; the label is the digits in order.
    func testTouchingDigitsMeetAndApartOnesDoNot() {
        let digits = bars()
        var rng = RandomSource(seed: 1)
        for _ in 0..<10 {
            let t = DigitString.make([4, 7, 9], of: digits, touching: true, rng: &rng)
            XCTAssertEqual(t.label, "479")
            XCTAssertEqual(t.spans.count, 3)
            for k in 1..<3 { XCTAssertLessThanOrEqual(t.spans[k].lowerBound, t.spans[k - 1].upperBound) }
            let a = DigitString.make([4, 7, 9], of: digits, touching: false, rng: &rng)
            for k in 1..<3 { XCTAssertGreaterThan(a.spans[k].lowerBound, a.spans[k - 1].upperBound) }
        }
    }

    /// A slashed zero carries a stroke from below its lower left to above its upper right: more ink, taller
    /// than the zero alone; other digits are never struck through.
    func testSlashedZerosAreStruckThrough() {
        var digits = bars(2)
        // Class 0 as a ring, so that the slash crosses its empty middle.
        for y in 0..<28 { for x in 0..<28 {
            let d = ((Double(x) - 13.5) * (Double(x) - 13.5) + (Double(y) - 13.5) * (Double(y) - 13.5)).squareRoot()
            digits.pixels[y * 28 + x] = d > 6 && d < 9 ? 255 : 0
        } }
        var a = RandomSource(seed: 3), b = RandomSource(seed: 3)
        let plain = DigitString.make([0, 1], of: digits, touching: false, rng: &a)
        let slashed = DigitString.make([0, 1], of: digits, touching: false, slashedZeros: 1, rng: &b)
        func ink(_ g: GrayImage, _ columns: Range<Int>) -> Int {
            columns.reduce(0) { n, x in n + (0..<g.height).filter { g[x, $0] < 128 }.count }
        }
        XCTAssertEqual(slashed.label, "01")
        XCTAssertGreaterThan(ink(slashed.picture, slashed.spans[0]), ink(plain.picture, plain.spans[0]) + 20)
        // Down the middle of the zero: its top and bottom strokes, and the slash between them.
        func strokesDown(_ s: DigitString) -> Int {
            let x = (s.spans[0].lowerBound + s.spans[0].upperBound) / 2, g = s.picture
            return (0..<g.height).filter { y in g[x, y] < 128 && (y == 0 || g[x, y - 1] >= 128) }.count
        }
        XCTAssertEqual(strokesDown(plain), 2)
        XCTAssertEqual(strokesDown(slashed), 3)
    }

    /// Every training mark is a 28x28 sample with ink, class 10 or a digit.
    func testTrainingMarksAreSamples() {
        let m = TrainingMarks.make(from: bars(), notDigits: 30, cutDigits: 10, seed: 2)
        XCTAssertEqual(m.count, 40)
        XCTAssertEqual(m.pixels.count, 40 * 784)
        for i in 0..<m.count {
            XCTAssertGreaterThan(m.pixels[(i * 784)..<((i + 1) * 784)].filter { $0 > 128 }.count, 3, "mark \(i)")
            XCTAssertLessThanOrEqual(m.labels[i], 11)
        }
    }
}
