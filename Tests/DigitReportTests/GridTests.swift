import DigitImage
@testable import DigitReport
import Foundation
import XCTest

final class GridTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "grid-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func tile(_ status: TileStatus, value: UInt8 = 255) -> DigitTile {
        DigitTile(sample: GrayImage(width: 28, height: 28, pixels: [UInt8](repeating: value, count: 784)), predicted: 3,
                  confidence: 0.91, truth: status == .wrong ? 5 : 3, status: status)
    }

    func testFramesShowRightWrongAndReview() throws {
        let grid = DigitGrid(title: "t", tiles: [tile(.right), tile(.wrong), tile(.review, value: 0)])
        let paths = try grid.writePNGs(directory: dir, base: "predictions")
        XCTAssertEqual(paths, [dir + "/predictions.png"])
        let png = PNGImage(paths[0])
        XCTAssertEqual(png.width, grid.naturalWidth)
        // Tile k's frame starts at (10 + 100k + 4, 72 + 2), below the title and the legend; its thumbnail at
        // (+8, +6) shows the sample.
        XCTAssertEqual(png[15, 75], PNGImage.hex(Palette.right))
        XCTAssertEqual(png[115, 75], PNGImage.hex(Palette.wrong))
        XCTAssertEqual(png[215, 75], PNGImage.hex(Palette.review))
        XCTAssertEqual(png[60, 112], 0xFFFFFF, "a white sample")
        XCTAssertEqual(png[260, 112], 0x000000, "a black sample")
        // The legend's first swatch is the colour of a right reading.
        XCTAssertEqual(png[20, 52], PNGImage.hex(Palette.right))
    }

    /// Captions under a row of tiles never reach the next row: the band just above the second row's frames is
    /// background, however long the file names (they are elided).
    func testCaptionsClearTheNextRow() throws {
        var tiles = [DigitTile]()
        for k in 0..<20 {
            var t = tile(.right)
            t.caption = "a-very-long-file-name-of-a-scan-\(k).png #\(k)"
            tiles.append(t)
        }
        let grid = DigitGrid(title: "t", tiles: tiles)
        let png = PNGImage(try grid.writePNGs(directory: dir, base: "captions")[0])
        let secondRowTop = Int(grid.header + grid.cellHeight) + 2
        for y in (secondRowTop - 4)..<secondRowTop {
            for x in 0..<png.width { XCTAssertEqual(png[x, y], 0xFFFFFF, "ink at (\(x), \(y)) between the rows") }
        }
        // And the caption itself is drawn, below the reading.
        let band = (secondRowTop - 20)..<(secondRowTop - 6)
        XCTAssertTrue(band.contains { y in (0..<png.width).contains { png[$0, y] != 0xFFFFFF } })
        XCTAssertEqual(DigitGrid.elided("abcdefghij", limit: 5), "…ghij")
    }

    func testLargeSetsArePagedNotShrunk() throws {
        let grid = DigitGrid(title: "t", tiles: (0..<450).map { _ in tile(.right) })
        let paths = try grid.writePNGs(directory: dir, base: "p", perPage: 200)
        XCTAssertEqual(paths.map { URL(fileURLWithPath: $0).lastPathComponent }, ["p.png", "p-2.png", "p-3.png"])
        XCTAssertEqual(PNGImage(paths[0]).width, PNGImage(paths[2]).width, "pages keep the thumbnail size")
    }

    func testMistakesWorstFirst() {
        var a = tile(.wrong); a.confidence = 0.6
        var b = tile(.wrong); b.confidence = 0.99
        let sorted = DigitGrid.mistakes([a, tile(.right), b])
        XCTAssertEqual(sorted.map(\.confidence), [0.99, 0.6])
    }

    func testConfusionCellsAreShadedByShare() throws {
        var counts = Array(repeating: Array(repeating: 0, count: 10), count: 10)
        for i in 0..<10 { counts[i][i] = 100 }
        counts[3][5] = 40
        let chart = ConfusionChart(title: "c", counts: counts)
        try chart.writePNG(to: dir + "/c.png")
        let png = PNGImage(dir + "/c.png")
        // Cell (row, column) is at left + column·cell, top + row·cell; cell = min(570/10, 580/10) = 57.
        func centre(_ r: Int, _ c: Int) -> UInt32 { png[90 + c * 57 + 5, 80 + r * 57 + 5] }
        XCTAssertEqual(centre(0, 0), PNGImage.hex(Palette.blue), "a full diagonal cell")
        XCTAssertEqual(centre(0, 1), 0xFFFFFF, "an empty cell")
        XCTAssertNotEqual(centre(3, 5), 0xFFFFFF, "an error cell is shaded")
    }

    func testPageOverlayDrawsBoxes() throws {
        let page = GrayImage(width: 400, height: 300, pixels: [UInt8](repeating: 255, count: 120_000))
        let overlay = PageOverlay(page: page, marks: [PageMark(x: 100, y: 100, width: 50, height: 80, predicted: 7, confidence: 0.9, status: .wrong)], title: "p")
        try overlay.writePNG(to: dir + "/o.png")
        let png = PNGImage(dir + "/o.png")
        XCTAssertEqual(png[125, 40 + 180], PNGImage.hex(Palette.wrong), "bottom edge of the box")
    }

    func testPDFReportHasOnePagePerSection() throws {
        var counts = Array(repeating: Array(repeating: 1, count: 10), count: 10)
        counts[0][0] = 5
        let grid = DigitGrid(title: "g", tiles: [tile(.right)])
        let report = Report(title: "r", summary: [("files", "3")], notes: ["a.png: empty file"],
                            sections: [.confusion(ConfusionChart(title: "c", counts: counts)), .grid(grid),
                                       .chart(TrainingPlots.loss([EpochPoint(epoch: 1, trainLoss: 1, validationLoss: 1, trainAccuracy: 0.5, validationAccuracy: 0.5)]))])
        let pages = try report.writePDF(to: dir + "/r.pdf")
        XCTAssertEqual(pages, 4)
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/r.pdf")), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("%PDF-"))
        let pageObjects = text.components(separatedBy: "/Type /Page").count - 1 - (text.components(separatedBy: "/Type /Pages").count - 1)
        XCTAssertEqual(pageObjects, 4)
    }

    /// A table flows over as many pages as its rows need (48 a page), after the summary page.
    func testTablesFlowOverPages() throws {
        let rows = (0..<100).map { ["scans/file-\($0).png", String($0), String($0), "ok", "0.99"] }
        let report = Report(title: "r", summary: [("files", "100")],
                            sections: [.table(title: "Readings", columns: ["file", "reading", "truth", "status", "lowest"],
                                              widths: [0.4, 0.2, 0.2, 0.12, 0.08], rows: rows)])
        XCTAssertEqual(try report.writePDF(to: dir + "/t.pdf"), 1 + 3)
    }

    /// Page labels never cover one another or another mark's frame: a row of close digits, and a dense grid
    /// of small cells where most labels find no room and are left out.
    func testOverlayLabelsDoNotCollide() {
        for (count, gap) in [(8, 12.0), (400, 2.0)] {
            let boxes = (0..<count).map { k in Rect(x: Double(k % 40) * (24 + gap), y: 40 + Double(k / 40) * 34, w: 24, h: 30) }
            let places = PageOverlay.labelPlaces(boxes: boxes, sizes: boxes.map { _ in (50, 14) })
            let shown = places.compactMap { $0 }
            XCTAssertFalse(shown.isEmpty)
            for (a, r) in shown.enumerated() {
                for q in shown[(a + 1)...] { XCTAssertFalse(r.overlaps(q), "\(r) and \(q)") }
            }
            for (i, p) in places.enumerated() {
                guard let p else { continue }
                for (j, b) in boxes.enumerated() where j != i { XCTAssertFalse(p.overlaps(b), "label \(i) on mark \(j)") }
            }
        }
    }
}
