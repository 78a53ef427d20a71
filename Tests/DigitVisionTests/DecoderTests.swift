import DigitImage
import DigitShim
@testable import DigitVision
import Foundation
import XCTest

final class DecoderTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("decode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func assertError(_ path: String, kind: String, contains text: String, maxPixels: Int = Decoder.defaultMaxPixels,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Decoder.load(path, maxPixels: maxPixels), file: file, line: line) { error in
            guard let e = error as? ScanError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.kind, kind, "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix(path), "error does not name the file: \(e)", file: file, line: line)
            if !text.isEmpty { XCTAssertTrue(e.description.contains(text), "\(e)", file: file, line: line) }
            XCTAssertFalse(e.description.contains("\n"), file: file, line: line)
        }
    }

    func samplePNG() throws -> [UInt8] {
        var page = SyntheticPage(width: 64, height: 48)
        page.glyph(7, x: 10, y: 5, w: 30, h: 38, thickness: 4)
        return try page.encoded(ext: "png")
    }

    func testBadFilesGiveClearErrors() throws {
        let png = try samplePNG()
        assertError(try file("empty.png", []), kind: "empty", contains: "empty file")
        assertError(try file("truncated.png", Array(png.prefix(png.count / 2))), kind: "not-an-image", contains: "truncated or corrupt")
        var corrupt = png
        for i in 40..<min(corrupt.count, 200) { corrupt[i] = UInt8(i % 251) }
        assertError(try file("corrupt.png", corrupt), kind: "not-an-image", contains: "")
        assertError(try file("notes.txt", Array("digits are 0 to 9\n".utf8)), kind: "not-an-image", contains: "not an image format")
        assertError(dir.appendingPathComponent("missing.png").path, kind: "unreadable", contains: "cannot open")
        assertError(dir.path, kind: "unreadable", contains: "is a folder")
        // A PNG header claiming 0 x 10 pixels, and one claiming 30000 x 30000.
        var zero = png
        zero[16...19] = [0, 0, 0, 0]
        assertError(try file("zero.png", zero), kind: "not-an-image", contains: "zero size")
        var huge = png
        huge[16...23] = [0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30]
        assertError(try file("huge.png", huge), kind: "too-large", contains: "30000x30000 pixels is over the limit")
        assertError(try file("small-limit.png", png), kind: "too-large", contains: "64x48", maxPixels: 1000)
    }

    /// A picture over 40 megapixels is decoded at half its size (memory stays bounded); one under is whole.
    func testLargePicturesAreDecodedReduced() throws {
        let big = dir.appendingPathComponent("big.png").path
        try GrayImage(width: 7000, height: 6000, value: 240).writePNG(to: big)
        let image = try Decoder.load(big)
        XCTAssertEqual([image.width, image.height], [3500, 3000])
        XCTAssertEqual(image[100, 100], 240)
        let page = dir.appendingPathComponent("page.png").path
        try GrayImage(width: 4962, height: 7014, value: 250).writePNG(to: page)
        XCTAssertEqual(try Decoder.load(page).width, 4962)
    }

    /// A JPEG cut short is an error that says so, not a picture with a gray bottom read as if whole; a JPEG
    /// with padding after its end marker is whole.
    func testTruncatedJPEGIsAnError() throws {
        let photo = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/photo.jpg"))
        for fraction in [0.3, 0.6, 0.95] {
            assertError(try file("cut.jpg", Array(photo.prefix(Int(Double(photo.count) * fraction)))), kind: "not-an-image",
                        contains: "JPEG data ends early (the file is truncated)")
        }
        XCTAssertNoThrow(try Decoder.load(try file("padded.jpg", Array(photo) + [UInt8](repeating: 0, count: 100))))
    }

    func testAlphaIsCompositedOnWhite() throws {
        // A 2x1 RGBA PNG: a transparent black pixel (paper) and an opaque black one (ink).
        let url = dir.appendingPathComponent("alpha.png")
        let bgra: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 255]
        var err = ds_error()
        let code = bgra.withUnsafeBufferPointer { ds_write_image(url.path, $0.baseAddress, 2, 1, 4, &err) }
        try ScanError.check(code, err)
        let image = try Decoder.load(url.path)
        XCTAssertEqual(image.pixels, [255, 0])
    }

    /// A gray picture written as JPEG (the page a report embeds) and read back keeps its size and its ink:
    /// within JPEG's loss of the original at every pixel, on average within 2 levels.
    func testJPEGRoundTrip() throws {
        var page = SyntheticPage(width: 123, height: 77)
        page.glyph(4, x: 30, y: 10, w: 40, h: 56, thickness: 5)
        let original = page.gray
        let bytes = try original.jpegData(quality: 90)
        XCTAssertEqual(Array(bytes.prefix(2)), [0xff, 0xd8])
        let back = try Decoder.decode(bytes, name: "round.jpg")
        XCTAssertEqual([back.width, back.height], [123, 77])
        let differences = zip(original.pixels, back.pixels).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThan(differences.max() ?? 255, 60)
        XCTAssertLessThan(Double(differences.reduce(0, +)) / Double(differences.count), 2)
    }

    /// EXIF orientation 6 or 8 (the camera was turned a quarter): the decoded image is turned upright, the
    /// right way round — a line along the top of the stored picture ends up on its right (6) or left (8).
    func testExifOrientationIsApplied() throws {
        var page = SyntheticPage(width: 60, height: 40)
        page.line(5, 5, 55, 5, thickness: 4)
        let stored = try page.encoded(ext: "jpg")
        for (orientation, column) in [(UInt8(6), 34), (UInt8(8), 5)] {
            // APP1 Exif segment: big-endian TIFF with one IFD entry, Orientation (0x0112).
            let tiff: [UInt8] = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0]
            let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
            let length = payload.count + 2
            var jpeg = stored
            jpeg.insert(contentsOf: [0xff, 0xe1, UInt8(length >> 8), UInt8(length & 255)] + payload, at: 2)
            let image = try Decoder.decode(jpeg, name: "exif.jpg")
            XCTAssertEqual([image.width, image.height], [40, 60])
            XCTAssertLessThan(image[column, 30], 100, "orientation \(orientation)")
            XCTAssertGreaterThan(image[39 - column, 30], 200, "orientation \(orientation)")
        }
    }

    /// Thousands of random and mutated inputs: each either decodes or fails with an error; nothing crashes.
    func testFuzzedBytesNeverCrash() throws {
        let seeds = [try samplePNG(), try SyntheticPage(width: 32, height: 32).encoded(ext: "jpg"),
                     try SyntheticPage(width: 20, height: 10).encoded(ext: "bmp"), [UInt8](Self.gif)]
        var state: UInt64 = 12345
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        var decoded = 0, refused = 0
        for i in 0..<3000 {
            var bytes: [UInt8]
            if i % 10 == 0 {
                bytes = (0..<(next() % 400)).map { _ in UInt8(next() % 256) }
            } else {
                bytes = seeds[i % seeds.count]
                for _ in 0...(next() % 8) where !bytes.isEmpty {
                    switch next() % 3 {
                    case 0: bytes[next() % bytes.count] = UInt8(next() % 256)
                    case 1: bytes.removeLast(min(bytes.count, next() % 64))
                    default: bytes.insert(UInt8(next() % 256), at: next() % (bytes.count + 1))
                    }
                }
            }
            do {
                let image = try Decoder.decode(bytes, name: "fuzz", maxPixels: 4_000_000)
                XCTAssertEqual(image.pixels.count, image.width * image.height)
                decoded += 1
            } catch is ScanError {
                refused += 1
            }
        }
        XCTAssertEqual(decoded + refused, 3000)
        XCTAssertGreaterThan(decoded, 100, "mutations that keep an image readable still decode")
    }

    func tiff(width: Int, height: Int, stored: Int) -> [UInt8] { grayTIFF([(width, height, 200, stored)]) }

    /// A TIFF's size is read from its header: one over the pixel limit is refused before decoding, and one cut
    /// short is called truncated, not an unknown format.
    func testTIFFHeaderIsChecked() throws {
        XCTAssertEqual(try Decoder.decode(tiff(width: 40, height: 30, stored: 1200), name: "ok.tif").width, 40)
        XCTAssertThrowsError(try Decoder.decode(tiff(width: 20000, height: 20000, stored: 100), name: "big.tif")) {
            XCTAssertEqual("\($0)", "big.tif: 20000x20000 pixels is over the limit of 100000000")
        }
        XCTAssertThrowsError(try Decoder.decode(tiff(width: 400, height: 300, stored: 1000), name: "cut.tif")) {
            XCTAssertEqual("\($0)", "cut.tif: image data is truncated or corrupt")
        }
    }

    /// A 16x8 GIF (written by OpenCV 5's GIF encoder, with its 256-colour palette, loop and graphic control
    /// blocks): left half black, right half white, one gray pixel.
    static let gif = Data(base64Encoded: "R0lGODlhEAAIAPcAAAAAAAAAVQAAqgAA/wAkAAAkVQAkqgAk/wBIAABIVQBIqgBI/wBsAABsVQBsqgBs/wCQAACQVQCQqgCQ/wC0AAC0VQC0qgC0/wDYAADYVQDYqgDY/wD8AAD8VQD8qgD8/yQAACQAVSQAqiQA/yQkACQkVSQkqiQk/yRIACRIVSRIqiRI/yRsACRsVSRsqiRs/ySQACSQVSSQqiSQ/yS0ACS0VSS0qiS0/yTYACTYVSTYqiTY/yT8ACT8VST8qiT8/0gAAEgAVUgAqkgA/0gkAEgkVUgkqkgk/0hIAEhIVUhIqkhI/0hsAEhsVUhsqkhs/0iQAEiQVUiQqkiQ/0i0AEi0VUi0qki0/0jYAEjYVUjYqkjY/0j8AEj8VUj8qkj8/2wAAGwAVWwAqmwA/2wkAGwkVWwkqmwk/2xIAGxIVWxIqmxI/2xsAGxsVWxsqmxs/2yQAGyQVWyQqmyQ/2y0AGy0VWy0qmy0/2zYAGzYVWzYqmzY/2z8AGz8VWz8qmz8/5AAAJAAVZAAqpAA/5AkAJAkVZAkqpAk/5BIAJBIVZBIqpBI/5BsAJBsVZBsqpBs/5CQAJCQVZCQqpCQ/5C0AJC0VZC0qpC0/5DYAJDYVZDYqpDY/5D8AJD8VZD8qpD8/7QAALQAVbQAqrQA/7QkALQkVbQkqrQk/7RIALRIVbRIqrRI/7RsALRsVbRsqrRs/7SQALSQVbSQqrSQ/7S0ALS0VbS0qrS0/7TYALTYVbTYqrTY/7T8ALT8VbT8qrT8/9gAANgAVdgAqtgA/9gkANgkVdgkqtgk/9hIANhIVdhIqthI/9hsANhsVdhsqths/9iQANiQVdiQqtiQ/9i0ANi0Vdi0qti0/9jYANjYVdjYqtjY/9j8ANj8Vdj8qtj8//wAAPwAVfwAqvwA//wkAPwkVfwkqvwk//xIAPxIVfxIqvxI//xsAPxsVfxsqvxs//yQAPyQVfyQqvyQ//y0APy0Vfy0qvy0//zYAPzYVfzYqvzY//z8APz8Vfz8qvz8/yH/C05FVFNDQVBFMi4wAwEAAAAh+QQMZAAAACwAAAAAEAAIAAcIJwABCBwo8J/BgwYJEkSIUOFAhJIOOizIMOHEihYdYvw3EcDGjhsDAgA7")!

    /// GIFs are decoded (the first image, palette to gray); one cut short says so.
    func testGIFIsDecoded() throws {
        let image = try Decoder.decode([UInt8](Self.gif), name: "t.gif")
        XCTAssertEqual([image.width, image.height], [16, 8])
        XCTAssertEqual(image[0, 0], 0)
        XCTAssertEqual(image[7, 7], 0)
        XCTAssertGreaterThanOrEqual(image[8, 0], 250)
        XCTAssertGreaterThanOrEqual(image[15, 7], 250)
        XCTAssertTrue((100...160).contains(image[12, 2]), "gray pixel: \(image[12, 2])")
        XCTAssertThrowsError(try Decoder.decode([UInt8](Self.gif.prefix(Self.gif.count - 20)), name: "cut.gif")) {
            XCTAssertEqual("\($0)", "cut.gif: GIF data is truncated or corrupt")
        }
    }
}
