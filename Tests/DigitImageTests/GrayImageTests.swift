import DigitImage
import XCTest

final class GrayImageTests: XCTestCase {
    func testCroppedKeepsTheBoxPixels() {
        let values: [Int] = (0..<20).map { $0 }
        let image = GrayImage(width: 5, height: 4, pixels: values.map { UInt8($0) })
        let crop = image.cropped(Box(x: 1, y: 2, width: 3, height: 2))
        XCTAssertEqual(crop.width, 3)
        XCTAssertEqual(crop.pixels, [11, 12, 13, 16, 17, 18])
    }

    /// Pixels are row-major: (x, y) is pixels[y * width + x].
    func testSubscriptIsRowMajor() {
        var image = GrayImage(width: 3, height: 2, value: 9)
        image[2, 1] = 200
        image[0, 1] = 100
        XCTAssertEqual(image.pixels, [9, 9, 9, 100, 9, 200])
        XCTAssertEqual(image[2, 1], 200)
    }

    func testInvertedAndSamples() {
        let image = GrayImage(width: 2, height: 1, pixels: [0, 250])
        XCTAssertEqual(image.inverted().pixels, [255, 5])
        // Sample values are scaled to bytes and clamped; fractions are dropped.
        let sample = GrayImage(sample: [0, 0.5, 1.2, -0.1], side: 2)
        XCTAssertEqual(sample.pixels, [0, 127, 255, 0])
    }

    func testBoxUnionCoversBoth() {
        let a = Box(x: 2, y: 3, width: 4, height: 5), b = Box(x: 10, y: 1, width: 2, height: 2)
        let u = a.union(b)
        XCTAssertEqual(u, Box(x: 2, y: 1, width: 10, height: 7))
        XCTAssertEqual(u.maxX, 12)
        XCTAssertEqual(u.maxY, 8)
    }
}
