import DigitImage
import DigitShim
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

    /// The paper estimate's closing is the textbook one: each pixel the minimum, over the square around it,
    /// of the maximum over the square around each of those, squares cut off at the image's edges — for any
    /// size of image and square, squares larger than the image too.
    func testClosingBySquareMatchesItsDefinition() throws {
        var seed: UInt64 = 11
        func next() -> Int { seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(seed >> 33) }
        for (w, h, side) in [(1, 1, 3), (7, 5, 3), (5, 9, 11), (37, 23, 9), (64, 48, 33), (19, 70, 15)] {
            // Paper with thin dark strokes and specks: what a closing is for.
            let image = GrayImage(width: w, height: h, pixels: (0..<(w * h)).map { i in
                let (x, y) = (i % w, i / w)
                return x % 6 == 2 || y % 7 == 3 ? UInt8(20 + next() % 60) : UInt8(170 + next() % 86)
            })
            func extreme(_ img: GrayImage, _ pick: (UInt8, UInt8) -> UInt8) -> GrayImage {
                var out = img
                let r = side / 2
                for y in 0..<h { for x in 0..<w {
                    var v = img[x, y]
                    for yy in max(0, y - r)...min(h - 1, y + r) { for xx in max(0, x - r)...min(w - 1, x + r) { v = pick(v, img[xx, yy]) } }
                    out[x, y] = v
                } }
                return out
            }
            let expected = extreme(extreme(image, max), min)
            let closed = try image.mapped { ds_close_square($0, Int32(side), $1, $2) }
            XCTAssertEqual(closed.pixels, expected.pixels, "\(w)x\(h), side \(side)")
        }
        XCTAssertThrowsError(try GrayImage(width: 4, height: 4, value: 9).mapped { ds_close_square($0, 4, $1, $2) }, "an even side")
    }

    /// Otsu's level from the gray-level counts is OpenCV's from the image, for paper with ink, noise, one
    /// gray and a single pixel; `evenCounted` counts the evened image it returns.
    func testLevelFromCountsIsOpenCVs() throws {
        var seed: UInt64 = 3
        func next(_ n: Int) -> Int { seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(seed >> 33) % n }
        var images = [GrayImage(width: 1, height: 1, value: 90), GrayImage(width: 9, height: 4, value: 250)]
        for (w, h, inkShare) in [(40, 30, 5), (57, 13, 40), (120, 90, 12), (33, 71, 100)] {
            images.append(GrayImage(width: w, height: h, pixels: (0..<(w * h)).map { _ in
                next(100) < inkShare ? UInt8(10 + next(110)) : UInt8(170 + next(80))
            }))
        }
        for image in images {
            var counts = [Int](repeating: 0, count: 256)
            for v in image.pixels { counts[Int(v)] += 1 }
            for ceiling in [200, 255] {
                XCTAssertEqual(Threshold.level(counts: counts, ceiling: ceiling), try Threshold.level(image, ceiling: ceiling),
                               "\(image.width)x\(image.height)")
            }
            let (lit, litCounts) = try Lighting.evenCounted(image)
            var expected = [Int](repeating: 0, count: 256)
            for v in lit.pixels { expected[Int(v)] += 1 }
            XCTAssertEqual(litCounts, expected)
            XCTAssertEqual(lit, try Lighting.even(image))
        }
    }

    /// The ink found with its marks is the ink alone, and its marks (labels, boxes, areas, centroids) are
    /// those labelling that ink gives: on speckled paper with strokes, faint and dark.
    func testInkComponentsAreTheInksComponents() throws {
        var seed: UInt64 = 17
        func next(_ n: Int) -> Int { seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(seed >> 33) % n }
        for (w, h) in [(1, 1), (9, 7), (64, 40), (150, 97)] {
            var pixels = (0..<(w * h)).map { _ in UInt8(150 + next(106)) }
            for _ in 0..<(w * h / 40 + 1) {  // strokes, some with no pixel dark enough to anchor them
                let x = next(w), y = next(h), len = 1 + next(12), dark = next(3) == 0
                for k in 0..<len where x + k < w { pixels[y * w + x + k] = UInt8(dark ? 20 + next(60) : 120 + next(40)) }
            }
            let lit = GrayImage(width: w, height: h, pixels: pixels)
            let level = try Threshold.level(lit)
            let (ink, marks) = try Threshold.inkComponents(lit, level: level)
            XCTAssertEqual(ink, try Threshold.ink(lit, level: level), "\(w)x\(h)")
            let found = try Components.find(in: ink)
            XCTAssertEqual(marks.labels, found.labels, "\(w)x\(h)")
            XCTAssertEqual(marks.components, found.components, "\(w)x\(h)")
            XCTAssertEqual(marks.total, found.total)
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

    /// A white card with a few thin strokes on a light grey desk that fills most of the picture: the card is
    /// brighter than the desk, but the strokes, however few, are far darker; ink on paper, not chalk.
    func testCardOnGreyDeskIsDarkOnLight() {
        var card = GrayImage(width: 300, height: 200, value: 216)
        for y in 70..<130 { for x in 100..<200 { card[x, y] = 255 } }
        for y in 98..<101 { for x in 120..<180 { card[x, y] = 20 } }  // 180 of 60,000 pixels
        XCTAssertFalse(Lighting.isLightOnDark(card))
        // Chalk on a dark board with a darker frame is light on dark.
        var board = GrayImage(width: 300, height: 200, value: 60)
        for y in 0..<200 { for x in 0..<3 { board[x, y] = 15 } }
        for y in 90..<120 { for x in 120..<180 where (x + y) % 2 == 0 { board[x, y] = 230 } }
        XCTAssertTrue(Lighting.isLightOnDark(board))
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
