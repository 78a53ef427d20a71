import DigitImage
@testable import DigitVision
import XCTest

final class LightingTests: XCTestCase {
    /// The histogram counts every pixel once (any width, not only multiples of four); a large image counts
    /// every other row and column.
    func testHistogramCountsEveryPixel() {
        for (w, h) in [(7, 5), (64, 3), (2001, 2001)] {
            let image = GrayImage(width: w, height: h, pixels: (0..<(w * h)).map { i in UInt8((i &* 2_654_435_761 >> 9) % 7 * 37) })
            var expected = [Int](repeating: 0, count: 256)
            let step = w * h > 4_000_000 ? 2 : 1
            for y in stride(from: 0, to: h, by: step) { for x in stride(from: 0, to: w, by: step) { expected[Int(image[x, y])] += 1 } }
            XCTAssertEqual(Lighting.histogram(image), expected, "\(w)x\(h)")
        }
    }

    /// An image whose pixels are spread evenly between `low` and `high` around a mass at `mid`.
    func image(low: UInt8, mid: UInt8, high: UInt8) -> GrayImage {
        var pixels = [UInt8](repeating: mid, count: 10_000)
        for i in 0..<300 { pixels[i] = low; pixels[9_999 - i] = high }
        return GrayImage(width: 100, height: 100, pixels: pixels)
    }

    /// Chalk on a board and MNIST's white on black are light on dark; ink on paper is not, and neither is a
    /// blurred photo whose faded ink lies about as far below the paper as the paper's highlights lie above.
    func testPolarity() {
        XCTAssertTrue(Lighting.isLightOnDark(image(low: 30, mid: 50, high: 200)))
        XCTAssertTrue(Lighting.isLightOnDark(image(low: 0, mid: 0, high: 255)))
        XCTAssertFalse(Lighting.isLightOnDark(image(low: 30, mid: 190, high: 230)))
        XCTAssertFalse(Lighting.isLightOnDark(image(low: 110, mid: 152, high: 195)))
    }

    /// Paper shaded from 205 at the top to 120 at the bottom becomes white everywhere, and ink stays dark.
    func testShadingIsDividedOut() throws {
        var page = GrayImage(width: 300, height: 400, value: 0)
        for y in 0..<400 { for x in 0..<300 { page[x, y] = UInt8(205 - 85 * y / 400) } }
        for y in 100..<300 { for x in 145..<155 { page[x, y] = UInt8(40 - 20 * y / 400) } }
        let lit = try Lighting.even(page)
        for (x, y) in [(10, 10), (290, 200), (20, 390), (150, 50), (150, 350)] { XCTAssertGreaterThan(lit[x, y], 235, "(\(x), \(y))") }
        XCTAssertLessThan(lit[150, 120], 80)
        XCTAssertLessThan(lit[150, 290], 80)
    }
}
