@testable import DigitNet
import XCTest

final class SlashedZeroTests: XCTestCase {
    /// A zero the way MNIST centres it: an ellipse 14 wide and 20 tall, its stroke about 2.5 pixels wide.
    func ring() -> [Float] {
        var img = [Float](repeating: 0, count: 784)
        for y in 0..<28 {
            for x in 0..<28 {
                let dx = (Float(x) - 13.5) / 7, dy = (Float(y) - 13.5) / 10
                let r = (dx * dx + dy * dy).squareRoot()
                if abs(r - 0.85) < 0.13 { img[y * 28 + x] = 1 }
            }
        }
        return img
    }

    func slash(_ img: inout [Float], _ slash: SlashedZero, seed: UInt64) -> Bool {
        var rng = RandomSource(seed: seed)
        return img.withUnsafeMutableBufferPointer { slash.apply($0.baseAddress!, side: 28, rng: &rng) }
    }

    /// The slash crosses the hollow middle and runs from the lower left to the upper right, never the
    /// other diagonal; nothing is taken away.
    func testSlashRunsFromLowerLeftToUpperRight() {
        let plain = ring()
        XCTAssertEqual(plain[13 * 28 + 13], 0)
        for seed in UInt64(1)...20 {
            var img = plain
            XCTAssertTrue(slash(&img, SlashedZero(probability: 1), seed: seed))
            XCTAssertGreaterThan(img[13 * 28 + 13] + img[14 * 28 + 14] + img[13 * 28 + 14] + img[14 * 28 + 13], 1, "seed \(seed)")
            func added(_ x: ClosedRange<Int>, _ y: ClosedRange<Int>) -> Float {
                var sum: Float = 0
                for yy in y { for xx in x { sum += img[yy * 28 + xx] - plain[yy * 28 + xx] } }
                return sum
            }
            // Inside the ring: the lower-left and upper-right quarters gain ink, the other two hardly any.
            XCTAssertGreaterThan(added(9...12, 15...20), 2, "seed \(seed)")
            XCTAssertGreaterThan(added(15...18, 7...12), 2, "seed \(seed)")
            XCTAssertLessThan(added(9...12, 7...11), 0.5, "seed \(seed)")
            XCTAssertLessThan(added(15...18, 16...20), 0.5, "seed \(seed)")
            XCTAssertTrue(zip(img, plain).allSatisfy { $0 >= $1 })
        }
    }

    func testProbabilityZeroAndBlankImagesAreLeftAlone() {
        var img = ring()
        XCTAssertFalse(slash(&img, SlashedZero(probability: 0), seed: 1))
        XCTAssertEqual(img, ring())
        var blank = [Float](repeating: 0, count: 784)
        XCTAssertFalse(slash(&blank, SlashedZero(probability: 1), seed: 1))
        XCTAssertEqual(blank, [Float](repeating: 0, count: 784))
    }

    func testSameSeedSameSlash() {
        var a = ring(), b = ring()
        _ = slash(&a, SlashedZero(probability: 1), seed: 9)
        _ = slash(&b, SlashedZero(probability: 1), seed: 9)
        XCTAssertEqual(a, b)
    }
}
