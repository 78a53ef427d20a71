@testable import DigitNet
import XCTest

final class AugmentationTests: XCTestCase {
    func warp(_ src: [Float], side: Int, angle: Float = 0, scale: Float = 1, dx: Float = 0, dy: Float = 0) -> [Float] {
        var out = [Float](repeating: -1, count: side * side)
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                Augmentation.warp(s.baseAddress!, to: o.baseAddress!, side: side, angle: angle, scale: scale,
                                  shiftX: dx, shiftY: dy)
            }
        }
        return out
    }

    func testIdentityAndShift() {
        let img = (0..<25).map { Float($0) }
        XCTAssertEqual(warp(img, side: 5), img)
        let shifted = warp(img, side: 5, dx: 1)
        XCTAssertEqual(shifted[0], 0, "pixels from outside are zero")
        XCTAssertEqual(shifted[1], img[0])
        XCTAssertEqual(shifted[2 * 5 + 3], img[2 * 5 + 2])
    }

    /// A quarter turn moves the pixel right of centre to below (or above) it, exactly.
    func testQuarterTurn() {
        var img = [Float](repeating: 0, count: 25)
        img[2 * 5 + 4] = 1  // right of centre
        let turned = warp(img, side: 5, angle: .pi / 2)
        XCTAssertEqual(turned.reduce(0, +), 1, accuracy: 1e-4)
        XCTAssertEqual(turned[4 * 5 + 2] + turned[0 * 5 + 2], 1, accuracy: 1e-4)
    }

    func testSameSeedSameDistortion() {
        let aug = Augmentation(rotation: 15, scale: 0.1, translation: 0.1)
        let img = (0..<784).map { Float($0 % 17) / 17 }
        func run(_ seed: UInt64) -> [Float] {
            var rng = RandomSource(seed: seed)
            var out = [Float](repeating: 0, count: 784)
            img.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { aug.apply(s.baseAddress!, to: $0.baseAddress!, side: 28, rng: &rng) } }
            return out
        }
        XCTAssertEqual(run(3), run(3))
        XCTAssertNotEqual(run(3), run(4))
    }
}
