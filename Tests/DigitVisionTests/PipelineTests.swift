import DigitImage
@testable import DigitVision
import XCTest

final class PipelineTests: XCTestCase {
    /// Three rows of glyphs; returns the page and the true boxes in reading order.
    func rows(_ layout: [[Int]], cell: Double = 90, thickness: Double = 7) -> (SyntheticPage, [Box]) {
        var page = SyntheticPage(width: Int(cell) * (layout.map(\.count).max()! + 2), height: Int(cell * 1.5) * (layout.count + 1))
        var boxes = [Box]()
        for (r, row) in layout.enumerated() {
            for (c, kind) in row.enumerated() {
                let x = cell * Double(c + 1), y = cell * 1.5 * Double(r) + cell * 0.6
                page.glyph(kind, x: x, y: y, w: cell * 0.6, h: cell, thickness: thickness)
                boxes.append(Box(x: Int(x), y: Int(y), width: Int(cell * 0.6), height: Int(cell)))
            }
        }
        return (page, boxes)
    }

    func assertFound(_ result: ScanResult, _ truth: [Box], lines: [Int], tolerance: Double = 12,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.digits.count, truth.count, "digit count", file: file, line: line)
        guard result.digits.count == truth.count else { return }
        for (d, t) in zip(result.digits, truth) {
            XCTAssertEqual(d.box.centerX, t.centerX, accuracy: tolerance, "box \(d.box) vs \(t)", file: file, line: line)
            XCTAssertEqual(d.box.centerY, t.centerY, accuracy: tolerance, "box \(d.box) vs \(t)", file: file, line: line)
        }
        XCTAssertEqual(result.digits.map(\.line), lines, file: file, line: line)
    }

    func testRowsOnCleanPaperInReadingOrder() throws {
        let (page, truth) = rows([[0, 1, 7, 4], [4, 7], [1, 0, 0]])
        let result = try Pipeline.run(page.gray)
        assertFound(result, truth, lines: [0, 0, 0, 0, 1, 1, 2, 2, 2])
        XCTAssertEqual(result.angle, 0)
        XCTAssertFalse(result.lightOnDark)
    }

    func testShadingNoiseBlurAndColouredPaper() throws {
        var (page, truth) = rows([[7, 0, 1], [4, 1, 0]])
        page.shade(dark: 0.45)
        page.noise(40, seed: 3)
        page.blur()
        let bytes = try page.encoded(ext: "png", paper: (0.55, 0.85, 1.0))  // yellowish paper, shaded
        let result = try Pipeline.run(Decoder.decode(bytes, name: "coloured.png"))
        assertFound(result, truth, lines: [0, 0, 0, 1, 1, 1])
    }

    /// Ink faded to a sixth of a pen's contrast (pencil, a pale print), its strokes paler at one end than at
    /// the other, lies wholly above the threshold's ceiling for paper grain: it is deepened and read whole.
    func testFaintInkIsDeepenedAndFoundWhole() throws {
        var (page, truth) = rows([[7, 0, 1], [4, 1, 0]])
        for i in page.pixels.indices {
            let x = Float(i % page.width) / Float(page.width)
            page.pixels[i] = 255 - (255 - page.pixels[i]) * (0.2 - 0.08 * x)
        }
        page.noise(4, seed: 5)
        assertFound(try Pipeline.run(page.gray), truth, lines: [0, 0, 0, 1, 1, 1])
    }

    /// A photo of paper shaded towards the bottom, turned, with the corners brighter than the shaded paper:
    /// the paper's border is not ink, so the digit near it is found alone with its own box (at the reduced
    /// working scale and at full resolution).
    func testShadedPaperTurnedOnBrighterGround() throws {
        var page = SyntheticPage(width: 900, height: 1200)
        for y in 0..<1200 { for x in 0..<900 { page.pixels[y * 900 + x] = 205 - 85 * Float(y) / 1200 } }
        page.glyph(1, x: 390, y: 560, w: 120, h: 560, thickness: 14)  // ending 80 pixels from the paper's edge
        let turned = try page.gray.rotated(by: 12, fill: 200)
        let found = try Pipeline.run(turned)
        XCTAssertEqual(found.digits.count, 1)
        var keep = ScanOptions()
        keep.keepStages = true  // full resolution throughout
        let full = try Pipeline.run(turned, options: keep)
        XCTAssertEqual(full.digits.count, 1)
        for result in [found, full] {
            guard let box = result.digits.first?.box else { continue }
            XCTAssertLessThan(box.height, 700, "\(box)")
            XCTAssertLessThan(box.width, 300, "\(box)")
        }
    }

    func testInvertedPolarity() throws {
        let (page, truth) = rows([[1, 7, 0]])
        let result = try Pipeline.run(page.gray.inverted())
        XCTAssertTrue(result.lightOnDark)
        assertFound(result, truth, lines: [0, 0, 0])
    }

    /// A tilted page: the angle is recovered within 1°, and the boxes map back to where the digits are.
    func testTiltRecoveredWithinOneDegree() throws {
        let (page, truth) = rows([[0, 1, 7, 4, 0], [7, 4, 1, 0, 1], [1, 1, 0, 7, 4]])
        for tilt in [-17.0, -6.0, 4.5, 12.0] {
            let tilted = try page.gray.rotated(by: tilt, fill: 255)
            let result = try Pipeline.run(tilted)
            XCTAssertEqual(result.angle, tilt, accuracy: 1, "tilt \(tilt)")
            XCTAssertEqual(result.digits.count, truth.count, "tilt \(tilt)")
            XCTAssertEqual(result.digits.map(\.line), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2], "tilt \(tilt)")
            // Each box, in the tilted image, contains the tilted centre of its glyph.
            let t = tilt * .pi / 180
            let cx = Double(page.width - 1) / 2, cy = Double(page.height - 1) / 2
            let tx = Double(tilted.width - 1) / 2, ty = Double(tilted.height - 1) / 2
            for (d, b) in zip(result.digits, truth) {
                let dx = b.centerX - cx, dy = b.centerY - cy
                let x = cos(t) * dx + sin(t) * dy + tx, y = -sin(t) * dx + cos(t) * dy + ty
                XCTAssertTrue(Double(d.box.x) <= x && x <= Double(d.box.maxX) && Double(d.box.y) <= y && y <= Double(d.box.maxY),
                              "tilt \(tilt): box \(d.box) misses (\(x), \(y))")
            }
        }
    }

    /// A printed grid of 6 rows and 8 columns of `cell` pixels, ruled `ruling` thick, most cells holding a
    /// digit drawn at `glyph` (x and y in the cell, width, height, stroke); the [row, column] of the filled cells.
    func gridForm(cell: Int, ruling: Double, glyph: (Double, Double, Double, Double, Double)) -> (SyntheticPage, [[Int]]) {
        let rowsN = 6, colsN = 8
        var page = SyntheticPage(width: cell * (colsN + 1), height: cell * (rowsN + 1))
        let x0 = Double(cell) / 2, y0 = Double(cell) / 2
        for r in 0...rowsN { page.line(x0, y0 + Double(r * cell), x0 + Double(colsN * cell), y0 + Double(r * cell), thickness: ruling) }
        for c in 0...colsN { page.line(x0 + Double(c * cell), y0, x0 + Double(c * cell), y0 + Double(rowsN * cell), thickness: ruling) }
        var filled = [[Int]]()
        for r in 0..<rowsN { for c in 0..<colsN where (r * 3 + c * 5) % 4 != 0 {
            filled.append([r, c])
            page.glyph([0, 1, 7, 4][(r + c) % 4], x: x0 + Double(c * cell) + glyph.0, y: y0 + Double(r * cell) + glyph.1,
                       w: glyph.2, h: glyph.3, thickness: glyph.4)
        }}
        return (page, filled)
    }

    /// A printed grid: every filled cell gives one digit in row order, empty cells and grid lines none.
    func testGridFormOneDigitPerFilledCell() throws {
        let cell = 80
        var (page, filled) = gridForm(cell: cell, ruling: 2, glyph: (20, 12, 40, 56, 4))
        page.noise(30, seed: 9)
        let result = try Pipeline.run(page.gray)
        XCTAssertNotNil(result.grid)
        XCTAssertEqual(result.digits.compactMap(\.cell), filled)
        for d in result.digits {
            XCTAssertLessThan(d.box.maxSide, cell, "a digit box spans a grid line: \(d.box)")
        }
    }

    /// A large form (a 600-dpi scan) whose digits stand far taller than a sample needs is read at a reduced
    /// scale that keeps them `pageDigitHeight` tall, with every cell and box as at full size; a large page of
    /// small digits is read whole.
    func testLargeFormIsReadAtAWorkingScale() throws {
        let cell = 280, y0 = cell / 2
        let (page, filled) = gridForm(cell: cell, ruling: 6, glyph: (70, 40, 140, 200, 14))
        let scale = try Pipeline.workingScale(page.gray)
        XCTAssertEqual(scale, Pipeline.pageDigitHeight / 200, accuracy: 0.03)
        let result = try Pipeline.run(page.gray)
        XCTAssertEqual(result.digits.compactMap(\.cell), filled)
        for (d, rc) in zip(result.digits, filled) {
            // Boxes in the scan's own pixels: inside the digit's cell, about as tall as the digit is drawn.
            XCTAssertEqual(Double(d.box.height), 200, accuracy: 24, "\(d.box)")
            XCTAssertGreaterThan(d.box.y, y0 + rc[0] * cell)
            XCTAssertLessThan(d.box.maxY, y0 + (rc[0] + 1) * cell)
        }

        var small = SyntheticPage(width: 2400, height: 600)
        for k in 0..<20 { small.glyph([0, 1, 7, 4][k % 4], x: 40 + Double(k * 115), y: 280, w: 28, h: 40, thickness: 4) }
        XCTAssertEqual(try Pipeline.workingScale(small.gray), 1)
    }

    /// One large digit on a page is read from the part of the page around it, at about 80 pixels tall: its
    /// box comes back in the page's own pixels, straight or tilted, at the same place as drawn.
    /// A card a third of the picture each way on a light grey desk (too close to the card's white and too small
    /// a part of the picture for the paper stage to take it for a sheet on a desk) holds dark ink on light
    /// paper, and the digit on it is the one mark found, whether the picture is read whole or from a glance.
    func testDigitOnACardOnAGreyDesk() throws {
        for (width, height) in [(900, 600), (2700, 1800)] {
            var page = SyntheticPage(width: width, height: height)
            let (w, h) = (Double(width), Double(height))
            page.glyph(7, x: w * 0.45, y: h * 0.4, w: w * 0.08, h: h * 0.2, thickness: w / 200)
            for y in 0..<height { for x in 0..<width where !(width / 3..<2 * width / 3 ~= x && height / 3..<2 * height / 3 ~= y) {
                page.pixels[y * width + x] = 216
            }}
            XCTAssertFalse(Lighting.isLightOnDark(page.gray), "\(width)x\(height)")
            for options in [ScanOptions(), { var o = ScanOptions(); o.keepStages = true; return o }()] {
                let result = try Pipeline.run(page.gray, options: options)
                XCTAssertEqual(result.digits.count, 1, "\(width)x\(height), stages kept: \(options.keepStages)")
                let box = try XCTUnwrap(result.digits.first?.box)
                XCTAssertEqual(Double(box.centerX), w * 0.49, accuracy: w * 0.01)
                XCTAssertEqual(Double(box.centerY), h * 0.5, accuracy: h * 0.02)
            }
        }
    }

    /// A number scanned small (digits 11 to 14 pixels tall) is read enlarged so that they stand 32 tall, and
    /// its marks are found where they are in the image; one small digit alone (MNIST's size) is read as it is.
    func testSmallNumberIsReadEnlarged() throws {
        var page = SyntheticPage(width: 84, height: 24)
        for (k, kind) in [7, 0, 4, 1].enumerated() { page.glyph(kind, x: 4 + 20 * Double(k), y: 5, w: 12, h: 14, thickness: 2.2) }
        let view = try Pipeline.workingView(page.gray)
        XCTAssertGreaterThan(view.scale, 32 / 14.5)
        XCTAssertLessThanOrEqual(view.scale, 3)
        XCTAssertNil(view.region)
        let result = try Pipeline.run(page.gray)
        assertRow(result, count: 4, firstX: 10, step: 20, y: 12, accuracy: 2)
        for d in result.digits { XCTAssertLessThanOrEqual(d.box.maxY, 24) }
        var one = SyntheticPage(width: 28, height: 28)
        one.glyph(7, x: 8, y: 4, w: 12, h: 20, thickness: 2.5)
        XCTAssertEqual(try Pipeline.workingView(one.gray).scale, 1)
    }

    /// A line of digits on a long strip of paper merges into one wide mark at the glance's 200 pixels: it is
    /// read with its digits at about 80 pixels tall (their height, not the line's width, sets the scale).
    func testALineMergedAtTheGlanceIsReadAtItsDigitsHeight() throws {
        var page = SyntheticPage(width: 3000, height: 500)
        for (k, kind) in [2, 5, 6, 3, 2, 8].enumerated() {
            page.glyph(kind, x: 1000 + 62 * Double(k), y: 200, w: 60, h: 100, thickness: 9)
        }
        let view = try Pipeline.workingView(page.gray)
        XCTAssertEqual(view.scale, 0.8, accuracy: 0.15, "the line's digits, not its width, set the scale")
        assertRow(try Pipeline.run(page.gray), count: 6, firstX: 1030, step: 62, y: nil, accuracy: 8)
    }

    /// A number of four digits written large (a webcam's picture of a note) is read whole at the scale where
    /// its digits stand about 80 pixels tall, as one to three large marks are, and its digits are found where
    /// they were drawn.
    func testANumberWrittenLargeIsReadReduced() throws {
        var page = SyntheticPage(width: 640, height: 480)
        for (k, kind) in [1, 2, 8, 5].enumerated() {
            page.glyph(kind, x: 40 + 150 * Double(k), y: 150, w: 100, h: 170, thickness: 14)
        }
        page.noise(12, seed: 3)
        let view = try Pipeline.workingView(page.gray)
        XCTAssertEqual(view.scale, 80 / 170, accuracy: 0.1)
        XCTAssertNil(view.region)
        assertRow(try Pipeline.run(page.gray), count: 4, firstX: 90, step: 150, y: 235, accuracy: 15)
    }

    /// Asserts that `result` holds `count` digits in a row, the k-th centred at x = firstX + k·step (and at `y`
    /// when given), within `accuracy` pixels.
    func assertRow(_ result: ScanResult, count: Int, firstX: Double, step: Double, y: Double?, accuracy: Double,
                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.digits.count, count, file: file, line: line)
        for (k, d) in result.digits.enumerated() {
            XCTAssertEqual(d.box.centerX, firstX + step * Double(k), accuracy: accuracy, "\(d.box)", file: file, line: line)
            if let y { XCTAssertEqual(d.box.centerY, y, accuracy: accuracy, "\(d.box)", file: file, line: line) }
        }
    }

    func testOneLargeDigitIsReadFromItsRegion() throws {
        for tilt in [0.0, 4.0] {
            var page = SyntheticPage(width: 900, height: 700)
            page.glyph(7, x: 560, y: 300, w: 130, h: 260, thickness: 12)
            page.noise(10, seed: 2)
            let gray = tilt == 0 ? page.gray : try page.gray.rotated(by: tilt, fill: 235)
            let view = try Pipeline.workingView(gray)
            XCTAssertEqual(view.scale, 80 / 260, accuracy: 0.03)
            let region = try XCTUnwrap(view.region, "a lone digit is read from its region")
            // The region, in the page's pixels, holds the digit and is a small part of the page.
            let k = 1 / view.scale
            XCTAssertLessThan(Double(region.x) * k, 560); XCTAssertGreaterThan(Double(region.maxX) * k, 690)
            XCTAssertLessThan(Double(region.y) * k, 300); XCTAssertGreaterThan(Double(region.maxY) * k, 560)
            XCTAssertLessThan(Double(region.width * region.height) * k * k, 0.5 * 900 * 700)
            let result = try Pipeline.run(gray)
            XCTAssertEqual(result.digits.count, 1)
            let box = try XCTUnwrap(result.digits.first?.box)
            // Where the whole page read at full resolution finds it.
            var whole = ScanOptions()
            whole.keepStages = true
            let full = try XCTUnwrap(try Pipeline.run(gray, options: whole).digits.first?.box)
            XCTAssertEqual(box.centerX, full.centerX, accuracy: 6, "\(box) vs \(full)")
            XCTAssertEqual(box.centerY, full.centerY, accuracy: 6, "\(box) vs \(full)")
            XCTAssertEqual(Double(box.height), Double(full.height), accuracy: 10, "\(box) vs \(full)")
            if tilt == 0 { XCTAssertEqual(box.centerX, 625, accuracy: 8); XCTAssertEqual(box.centerY, 430, accuracy: 8) }
        }
    }

    func testBlankPageWarns() throws {
        var page = SyntheticPage(width: 300, height: 200)
        page.noise(6, seed: 1)
        let result = try Pipeline.run(page.gray)
        XCTAssertTrue(result.digits.isEmpty)
        XCTAssertFalse(result.warnings.isEmpty)
    }

    /// The sample is MNIST-shaped: ink bright, fitted to 20 pixels, centre of mass at (14, 14).
    func testSampleIsNormalisedLikeMNIST() throws {
        var page = SyntheticPage(width: 400, height: 400)
        page.glyph(7, x: 150, y: 60, w: 100, h: 240, thickness: 6)
        let result = try Pipeline.run(page.gray)
        XCTAssertEqual(result.digits.count, 1)
        let s = result.digits[0].sample
        var mass: Float = 0, mx: Float = 0, my: Float = 0
        var rows = Set<Int>()
        for y in 0..<28 { for x in 0..<28 where s[y * 28 + x] > 0.05 {
            mass += s[y * 28 + x]; mx += Float(x) * s[y * 28 + x]; my += Float(y) * s[y * 28 + x]; rows.insert(y)
        }}
        XCTAssertEqual(mx / mass, 14, accuracy: 0.6)
        XCTAssertEqual(my / mass, 14, accuracy: 0.6)
        XCTAssertEqual(Double(rows.count), 20, accuracy: 2, "the taller side spans 20 rows")
        XCTAssertGreaterThan(s.max()!, 0.95)
        XCTAssertEqual(s[0], 0, "background is black")
    }

    /// Marks at these lines, as a reading of a page (only the lines count here).
    func reading(lines: [Int]) -> ScanResult {
        let digits = lines.enumerated().map { k, line in
            ScannedDigit(sample: [], box: Box(x: 40 * k, y: 40 * line, width: 40, height: 30), line: line, cell: nil,
                         strokeWidth: 4, mark: k)
        }
        return ScanResult(digits: digits, angle: 0, quarterTurns: 0, lightOnDark: false, grid: nil, width: 400, height: 400,
                          rejectedMarks: 0, warnings: [], stages: nil)
    }

    /// A number of wide marks (digits run together) stays as it is when a quarter turn, though surer, reads its
    /// marks each on a line of their own; a page on its side, its digits one above the other, is turned when
    /// the turn reads them surer and along one line.
    func testAQuarterTurnMustReadAlongTheLines() {
        let number = reading(lines: [0, 0, 0]), across = reading(lines: [0, 1, 2, 3, 4])
        XCTAssertFalse(Pipeline.takesQuarterTurn(number, sureness: 0.6, turned: across, sureness: 0.9))
        XCTAssertTrue(Pipeline.takesQuarterTurn(across, sureness: 0.6, turned: reading(lines: [0, 0, 0, 0, 0]), sureness: 0.9))
        XCTAssertFalse(Pipeline.takesQuarterTurn(across, sureness: 0.85, turned: reading(lines: [0, 0, 0, 0, 0]), sureness: 0.9),
                       "not clearly surer")
        XCTAssertFalse(Pipeline.takesQuarterTurn(across, sureness: 0.6, turned: reading(lines: [0, 0, 0]), sureness: 0.9),
                       "marks lost in the turn")
    }

    /// A page is turned over when it reads clearly surer upside down with as many digits; a line of words that
    /// upside down reads as more digits, however surely, stays as it is.
    func testAHalfTurnFindsNoMoreDigits() {
        let line = reading(lines: [0, 0, 0, 0])
        XCTAssertTrue(Pipeline.takesHalfTurn(line, sureness: 0.8, over: reading(lines: [0, 0, 0, 0]), sureness: 0.95))
        XCTAssertFalse(Pipeline.takesHalfTurn(line, sureness: 0.88, over: reading(lines: [0, 0, 0, 0]), sureness: 0.95),
                       "not clearly surer")
        XCTAssertFalse(Pipeline.takesHalfTurn(line, sureness: 0.8, over: reading(lines: [0, 0, 0, 0, 0, 0, 0]), sureness: 0.95),
                       "letters cut into digits")
    }
}
