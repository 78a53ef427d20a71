import DigitImage
import DigitNet
import DigitReport
import DigitVision
import Foundation
import XCTest

final class ReportSizeTests: FolderTestCase {
    /// A page picture of noisy paper goes into the PDF as JPEG when its JPEG is given: less than half the size of
    /// than the same page embedded losslessly, and still drawn.
    func testPagePicturesAreEmbeddedAsJPEG() throws {
        var rng = RandomSource(seed: 4)
        // Paper: shading and grain.
        var pixels = [UInt8](repeating: 0, count: 800 * 600)
        for y in 0..<600 {
            for x in 0..<800 { pixels[y * 800 + x] = UInt8(190 + (x + y) / 40 + Int(rng.next() % 12)) }
        }
        let page = GrayImage(width: 800, height: 600, pixels: pixels)
        let marks = [PageMark(x: 100, y: 100, width: 60, height: 90, predicted: 3, confidence: 0.99, status: .unknown)]
        let lossless = Report(title: "t", summary: [], notes: [], sections: [.page(PageOverlay(page: page, marks: marks, title: "p"))])
        let jpeg = Report(title: "t", summary: [], notes: [],
                          sections: [.page(PageOverlay(page: page, marks: marks, title: "p", jpeg: try page.jpegData()))])
        try lossless.writePDF(to: dir + "/lossless.pdf")
        try jpeg.writePDF(to: dir + "/jpeg.pdf")
        let a = try FileManager.default.attributesOfItem(atPath: dir + "/lossless.pdf")[.size] as! Int
        let b = try FileManager.default.attributesOfItem(atPath: dir + "/jpeg.pdf")[.size] as! Int
        XCTAssertLessThan(b * 2, a, "JPEG \(b) bytes, lossless \(a)")
        let pdf = try String(decoding: Data(contentsOf: URL(fileURLWithPath: dir + "/jpeg.pdf")), as: UTF8.self)
        XCTAssertTrue(pdf.contains("/DCTDecode"), "the page is embedded as JPEG")
    }
}
