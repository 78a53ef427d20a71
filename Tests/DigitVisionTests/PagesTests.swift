@testable import DigitVision
import Foundation
import XCTest

final class PagesTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "pages-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// A PDF of one 72x36-point page per entry of `fills`: black over the left `fills[k]` of its width.
    func pdf(_ fills: [Double]) -> Data {
        var objects = ["<< /Type /Catalog /Pages 2 0 R >>",
                       "<< /Type /Pages /Kids [\(fills.indices.map { "\(3 + 2 * $0) 0 R" }.joined(separator: " "))] /Count \(fills.count) >>"]
        for (k, f) in fills.enumerated() {
            let content = "0 g 0 0 \(72 * f) 36 re f"
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 36] /Contents \(4 + 2 * k) 0 R >>")
            objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
        }
        var text = "%PDF-1.4\n", offsets = [Int]()
        for (k, o) in objects.enumerated() {
            offsets.append(text.utf8.count)
            text += "\(k + 1) 0 obj\n\(o)\nendobj\n"
        }
        let xref = text.utf8.count
        text += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n" + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        text += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(text.utf8)
    }

    /// Each page of a PDF is counted and drawn at the resolution asked for, on white.
    func testPDFPagesAreRasterised() throws {
        let path = dir + "/doc.pdf"
        try pdf([0.5, 0.25]).write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(Pages.isPDF(path))
        XCTAssertEqual(try Pages.count(path), 2)
        let second = try Pages.load(path, page: 2, dpi: 144)
        XCTAssertEqual(second.width, 144)
        XCTAssertEqual(second.height, 72)
        XCTAssertEqual(second[10, 36], 0, "inside the black quarter")
        XCTAssertEqual(second[100, 36], 255, "paper")
        XCTAssertThrowsError(try Pages.load(path, page: 3)) { XCTAssertTrue("\($0)".contains("has no page 3 (it has 2)")) }
        XCTAssertThrowsError(try Pages.load(path, page: 1, dpi: 1200, maxPixels: 1000)) { XCTAssertTrue("\($0)".contains("over the limit")) }
    }

    /// Every page of a TIFF is read, each with its own size.
    func testTIFFPagesAreRead() throws {
        let path = dir + "/scan.tif"
        try Data(grayTIFF([(40, 30, 200, nil), (24, 50, 10, nil)])).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try Pages.count(path), 2)
        let second = try Pages.load(path, page: 2)
        XCTAssertEqual([second.width, second.height], [24, 50])
        XCTAssertEqual(Set(second.pixels), [10])
        XCTAssertEqual(try Pages.load(path, page: 1).pixels.first, 200)
        XCTAssertThrowsError(try Pages.load(path, page: 3)) { XCTAssertTrue("\($0)".hasSuffix("has no page 3 (it has 2)")) }
    }

    /// A file that says it is a PDF and is not fails with a reason naming it.
    func testBrokenPDFIsReported() throws {
        let path = dir + "/broken.pdf"
        try Data("%PDF-1.4\nnothing else".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Pages.count(path)) { XCTAssertTrue("\($0)".hasPrefix(path + ": not a PDF that can be read")) }
    }
}
