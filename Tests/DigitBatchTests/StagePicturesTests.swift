import DigitBatch
import DigitImage
import DigitVision
import Foundation
import XCTest

final class StagePicturesTests: XCTestCase {
    /// On a page that was straightened, the digits' frames are drawn on the straightened page, where the
    /// pipeline found them: each frame's corner is ink-black on the page's light paper.
    func testBoxesAreDrawnOnAStraightenedPage() throws {
        let tilted = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/tilted.png").path
        var options = ScanOptions()
        options.keepStages = true
        let result = try Pipeline.run(Decoder.load(tilted), options: options)
        XCTAssertNotEqual(result.angle, 0)
        let page = try XCTUnwrap(result.stages?.deskewed)
        let boxed = StagePictures.boxes(page, result: result)
        XCTAssertEqual(result.pageBoxes.count, result.digits.count)
        XCTAssertNotEqual(boxed, page)
        for b in result.pageBoxes { XCTAssertEqual(boxed[b.x, b.y], 0, "frame corner of \(b)") }
    }
}
