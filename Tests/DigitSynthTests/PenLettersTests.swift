import DigitImage
import DigitNet
@testable import DigitSynth
import XCTest

final class PenLettersTests: XCTestCase {
    /// The smoothed stroke passes through every point it was given, in order, and stays near the polyline.
    func testSmoothStrokesPassThroughTheirPoints() {
        let points = [(0.0, 0.0), (10.0, 5.0), (20.0, 0.0), (30.0, 10.0)]
        let curve = PenLetters.smooth(points)
        XCTAssertEqual(curve.count, 3 * 8 + 1)
        for (k, p) in points.enumerated() {
            let q = curve[min(curve.count - 1, k * 8)]
            XCTAssertEqual(q.0, p.0, accuracy: 1e-9)
            XCTAssertEqual(q.1, p.1, accuracy: 1e-9)
        }
        XCTAssertTrue(curve.allSatisfy { $0.0 >= -1 && $0.0 <= 31 && $0.1 >= -3 && $0.1 <= 13 })
    }

    /// Every letter parses into strokes of two points or more; a written letter has ink inside the picture,
    /// clear of its edges, and the same seed writes the same letter.
    func testLettersAreWrittenDeterministically() {
        for (letter, strokes) in PenLetters.strokes {
            XCTAssertFalse(strokes.isEmpty, "\(letter)")
            XCTAssertTrue(strokes.allSatisfy { $0.count >= 2 }, "\(letter)")
        }
        for seed in UInt64(1)...20 {
            var a = RandomSource(seed: seed), b = RandomSource(seed: seed)
            let image = PenLetters.write(&a)
            XCTAssertEqual(image, PenLetters.write(&b))
            var ink = 0, edge = 0
            for y in 0..<image.height {
                for x in 0..<image.width where image[x, y] < 128 {
                    ink += 1
                    if x < 2 || y < 2 || x >= image.width - 2 || y >= image.height - 2 { edge += 1 }
                }
            }
            XCTAssertGreaterThan(ink, 100, "seed \(seed)")
            XCTAssertEqual(edge, 0, "seed \(seed)")
        }
    }
}
