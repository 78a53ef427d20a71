import DigitImage
@testable import DigitVision
import XCTest

final class PaperTests: XCTestCase {
    /// A sheet (paper 200, a 7 in ink, turned 6°) on a desk of gray `desk` covering about 60 % of the picture.
    /// Returns the picture and the glyph's centre in it.
    func sheetOnDesk(desk: UInt8) throws -> (GrayImage, (x: Double, y: Double)) {
        var page = SyntheticPage(width: 500, height: 640)
        for i in page.pixels.indices { page.pixels[i] = 200 }
        page.glyph(7, x: 170, y: 170, w: 160, h: 300, thickness: 16)
        let sheet = try page.gray.rotated(by: 6, fill: desk)
        var picture = GrayImage(width: 900, height: 1000, value: desk)
        let left = 230, top = 140
        for y in 0..<sheet.height { for x in 0..<sheet.width { picture[left + x, top + y] = sheet[x, y] } }
        return (picture, (Double(left + sheet.width / 2), Double(top + sheet.height / 2)))
    }

    /// The desk around the sheet is painted the paper's gray; the sheet itself is left as it was.
    func testTheSurfaceAroundASheetTakesThePapersGray() throws {
        let (picture, centre) = try sheetOnDesk(desk: 60)
        let isolated = try Paper.isolated(picture)
        for (x, y) in [(5, 5), (890, 500), (450, 990)] {
            XCTAssertEqual(Int(isolated[x, y]), 200, accuracy: 3, "at (\(x), \(y))")
        }
        let cx = Int(centre.x), cy = Int(centre.y)
        for (x, y) in [(cx - 150, cy), (cx, cy - 150), (cx, cy), (cx + 120, cy + 200)] {
            XCTAssertEqual(isolated[x, y], picture[x, y], "at (\(x), \(y))")
        }
    }

    /// Without the sheet found first, the desk (the majority) is read as paper and the sheet as ink: the
    /// pipeline reads the 7 alone, dark on light, where it is.
    func testADigitOnASheetOnADarkDeskIsFoundAlone() throws {
        for desk: UInt8 in [40, 110] {
            let (picture, centre) = try sheetOnDesk(desk: desk)
            let result = try Pipeline.run(picture)
            XCTAssertFalse(result.lightOnDark, "desk \(desk)")
            XCTAssertEqual(result.digits.count, 1, "desk \(desk)")
            guard let box = result.digits.first?.box else { continue }
            XCTAssertEqual(box.centerX, centre.x, accuracy: 25, "desk \(desk): \(box)")
            XCTAssertEqual(box.centerY, centre.y, accuracy: 25, "desk \(desk): \(box)")
        }
    }

    /// No sheet where there is none: paper filling the picture, paper lit from one side (its darker side fades
    /// in, it is not a surface), chalk on a board, a board beside a bare wall, and a lone dark picture.
    func testNoSheetInPlainPagesBoardsAndUnevenLight() throws {
        var plain = SyntheticPage(width: 600, height: 800)
        plain.glyph(0, x: 200, y: 200, w: 200, h: 360, thickness: 14)
        var lit = plain
        for y in 0..<800 { for x in 0..<600 { lit.pixels[y * 600 + x] *= 0.95 - 0.35 * Float(y) / 800 } }
        let board = plain.gray.inverted()
        var wallBeside = board  // a blackboard with a bare bright wall along its left third
        for y in 0..<800 { for x in 0..<200 { wallBeside[x, y] = 225 } }
        for image in [plain.gray, lit.gray, board, wallBeside, GrayImage(width: 300, height: 300, value: 30)] {
            XCTAssertEqual(try Paper.isolated(image), image)
        }
    }
}
