@testable import DigitNet
import XCTest

final class FlaggedOneTests: XCTestCase {
    /// A plain upright 1 the way MNIST centres it: a stroke 3 pixels wide from row 4 to row 23.
    func plainOne() -> [Float] {
        var img = [Float](repeating: 0, count: 784)
        for y in 4...23 { for x in 13...15 { img[y * 28 + x] = 1 } }
        return img
    }

    func flag(_ img: inout [Float], _ flag: FlaggedOne, seed: UInt64) -> Bool {
        var rng = RandomSource(seed: seed)
        return img.withUnsafeMutableBufferPointer { flag.apply($0.baseAddress!, side: 28, rng: &rng) }
    }

    func centre(_ img: [Float]) -> (Float, Float) {
        img.withUnsafeBufferPointer { Stem.centreOfMass($0.baseAddress!, side: 28).map { ($0.0, $0.1) } } ?? (0, 0)
    }

    func ink(_ img: [Float], rows: ClosedRange<Int>, columns: ClosedRange<Int>) -> Float {
        var sum: Float = 0
        for y in rows { for x in columns { sum += img[y * 28 + x] } }
        return sum
    }

    func testStemOfAPlainOne() throws {
        let img = plainOne()
        let stem = try XCTUnwrap(img.withUnsafeBufferPointer { Stem(UnsafePointer($0.baseAddress!), side: 28) })
        XCTAssertEqual(stem.down.0, 0, accuracy: 1e-4)
        XCTAssertEqual(stem.down.1, 1, accuracy: 1e-4)
        XCTAssertEqual(stem.top.0, 14, accuracy: 1e-3)
        XCTAssertEqual(stem.top.1, 4, accuracy: 1e-3)
        XCTAssertEqual(stem.length, 19, accuracy: 1e-3)
        XCTAssertEqual(stem.width, 3, accuracy: 0.2)
    }

    /// The flag adds ink left of the stem in its upper part only, and the digit keeps its centre of mass.
    func testFlagRunsDownLeftFromTheTop() {
        let plain = plainOne()
        for seed in 1...20 as ClosedRange<UInt64> {
            var img = plain
            XCTAssertTrue(flag(&img, FlaggedOne(probability: 1), seed: seed))
            let (cx, cy) = centre(img), (px, py) = centre(plain)
            XCTAssertEqual(cx, px, accuracy: 0.05)
            XCTAssertEqual(cy, py, accuracy: 0.05)
            // The stroke now has ink well left of the stem near the top, none low down there, none on the right (the whole digit moves right by up to 3 pixels to keep its centre).
            XCTAssertGreaterThan(ink(img, rows: 3...15, columns: 4...11), 1, "seed \(seed): no flag drawn")
            XCTAssertEqual(ink(img, rows: 18...27, columns: 4...10), 0, "seed \(seed): ink low on the left")
            XCTAssertEqual(ink(img, rows: 0...27, columns: 20...27), 0, accuracy: 1e-6, "seed \(seed): ink on the right")
        }
    }

    /// On a stem leaning right (drawn from top right to bottom left) the flag is drawn against the stem:
    /// it runs left from the top and nearly level, not down along the stem (as a flag at 45° from the page's
    /// vertical would).
    func testFlagFollowsALeaningStem() {
        var plain = [Float](repeating: 0, count: 784)
        for y in 4...23 {
            let x = 19 - Int((Float(y - 4) * 0.55).rounded())  // about 29° from the vertical
            for dx in 0...2 { plain[y * 28 + x + dx] = 1 }
        }
        var rule = FlaggedOne(probability: 1)
        rule.angles = 45...45; rule.lengths = 0.5...0.5
        var img = plain
        XCTAssertTrue(flag(&img, rule, seed: 1))
        // Leftmost ink in the top rows: the stem alone reaches x = 16 there; the flag reaches far past it.
        let leftmost = (2...8).compactMap { y in (0..<28).first { img[y * 28 + $0] > 0.3 } }.min() ?? 28
        XCTAssertLessThanOrEqual(leftmost, 13)
    }

    func testChanceAndSeed() {
        var img = plainOne()
        XCTAssertFalse(flag(&img, FlaggedOne(probability: 0), seed: 1))
        XCTAssertEqual(img, plainOne())
        var a = plainOne(), b = plainOne()
        _ = flag(&a, FlaggedOne(probability: 1), seed: 5)
        _ = flag(&b, FlaggedOne(probability: 1), seed: 5)
        XCTAssertEqual(a, b)
        let drawn = (1...400 as ClosedRange<UInt64>).filter { seed in
            var img = plainOne()
            return flag(&img, FlaggedOne(probability: 0.3), seed: seed)
        }.count
        XCTAssertEqual(Double(drawn) / 400, 0.3, accuracy: 0.07)
    }

    /// A 1 written with a base is not a straight stroke: it is left as it is.
    func testOneWithABaseIsLeftAlone() {
        var img = plainOne()
        for x in 8...20 { for y in 22...23 { img[y * 28 + x] = 1 } }
        let before = img
        XCTAssertFalse(flag(&img, FlaggedOne(probability: 1), seed: 3))
        XCTAssertEqual(img, before)
        var blank = [Float](repeating: 0, count: 784)
        XCTAssertFalse(flag(&blank, FlaggedOne(probability: 1), seed: 3))
    }

    /// A level stroke two pixels wide: full on its line, partial at its edge, nothing beyond.
    func testSegmentIsAntialiased() {
        var img = [Float](repeating: 0, count: 100)
        img.withUnsafeMutableBufferPointer {
            FlaggedOne.drawSegment($0.baseAddress!, side: 10, from: (2, 5), to: (7, 5), width: 2, ink: 0.8)
        }
        XCTAssertEqual(img[5 * 10 + 4], 0.8, accuracy: 1e-6)
        XCTAssertEqual(img[4 * 10 + 4], 0.4, accuracy: 1e-6)
        XCTAssertEqual(img[3 * 10 + 4], 0, accuracy: 1e-6)
        XCTAssertEqual(img[5 * 10 + 9], 0, accuracy: 1e-6)
    }
}
