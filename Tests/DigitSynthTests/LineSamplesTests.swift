import DigitNet
import DigitSynth
import DigitVision
import XCTest

final class LineSamplesTests: XCTestCase {
    /// The same seed gives the same strips and digits; most strips hold a number, the rest (words, strokes) none;
    /// every number fits the frames the reader has for its strip.
    func testStripsAreDeterministicAndReadable() {
        var a = LineSamples(digits: bars(), seed: 4), b = LineSamples(digits: bars(), seed: 4)
        var numbers = 0
        for _ in 0..<60 {
            let (s, d) = a.next(), (t, e) = b.next()
            XCTAssertEqual(s.pixels, t.pixels)
            XCTAssertEqual(d, e)
            XCTAssertEqual(s.pixels.count, LineStrip.height * s.width)
            XCTAssertGreaterThanOrEqual(LineReader.frames(width: s.width), 2 * d.count + 1)
            XCTAssertTrue(d.allSatisfy { (0...9).contains($0) })
            if !d.isEmpty { numbers += 1 }
        }
        XCTAssertGreaterThan(numbers, 30)
        XCTAssertLessThan(numbers, 57)
    }
}
