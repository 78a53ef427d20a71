import DigitShim
import Foundation
import XCTest

/// The C header's contract, called as any C client would: status codes, messages that name the input, buffers
/// the caller owns, and no C++ exception crossing the boundary.
final class ShimContractTests: XCTestCase {
    func message(_ err: ds_error) -> String {
        var e = err
        return withUnsafeBytes(of: &e.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Sizes come from the header alone; bytes that are no known header are a decode error, not a crash.
    func testPeekSizeReadsHeadersOnly() {
        var png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        png += [0, 0, 0x01, 0x2c, 0, 0, 0, 0xc8]  // 300 x 200
        var w: Int64 = 0, h: Int64 = 0, err = ds_error()
        XCTAssertEqual(ds_peek_size(png, png.count, &w, &h, &err), Int32(DS_OK))
        XCTAssertEqual([w, h], [300, 200])
        let text = Array("hello".utf8)
        XCTAssertEqual(ds_peek_size(text, text.count, &w, &h, &err), Int32(DS_ERR_DECODE))
    }

    /// Decoding from memory: empty input, garbage, and a JPEG cut short each give their own status and a
    /// message that starts with the name given.
    func testDecodeStatusesNameTheInput() {
        var out = ds_image(), err = ds_error()
        XCTAssertEqual(ds_decode_memory([], 0, 1_000_000, "empty.png", &out, &err), Int32(DS_ERR_EMPTY))
        XCTAssertTrue(message(err).hasPrefix("empty.png: "))
        let garbage = [UInt8](repeating: 7, count: 64)
        XCTAssertEqual(ds_decode_memory(garbage, garbage.count, 1_000_000, "junk", &out, &err), Int32(DS_ERR_DECODE))
        XCTAssertTrue(message(err).hasPrefix("junk: "))
        let cutJPEG: [UInt8] = [0xff, 0xd8, 0xff, 0xe0] + [UInt8](repeating: 0, count: 40)
        XCTAssertEqual(ds_decode_memory(cutJPEG, cutJPEG.count, 1_000_000, "cut.jpg", &out, &err), Int32(DS_ERR_DECODE))
        XCTAssertTrue(message(err).contains("JPEG data ends early"), message(err))
    }

    /// A round trip through the file functions: a written gray image decodes to the same pixels; a missing
    /// file is an I/O error naming it.
    func testWriteThenDecode() throws {
        let path = NSTemporaryDirectory() + "shim-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pixels: [UInt8] = (0..<(16 * 8)).map { UInt8($0 * 2) }
        var err = ds_error()
        XCTAssertEqual(ds_write_image(path, pixels, 16, 8, 1, &err), Int32(DS_OK))
        var out = ds_image()
        XCTAssertEqual(ds_decode_file(path, 1_000_000, &out, &err), Int32(DS_OK))
        defer { ds_image_free(&out) }
        XCTAssertEqual([out.width, out.height], [16, 8])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: out.pixels, count: 128)), pixels)
        var missing = ds_image()
        XCTAssertEqual(ds_decode_file(path + ".nope", 1_000_000, &missing, &err), Int32(DS_ERR_IO))
        XCTAssertTrue(message(err).hasPrefix(path + ".nope: "))
    }

    /// Bad arguments are refused with a status, never a crash: a resize to zero, a null label buffer.
    func testBadArgumentsAreStatusesNotCrashes() {
        var pixels = [UInt8](repeating: 255, count: 100)
        pixels.withUnsafeMutableBufferPointer { p in
            var src = ds_image(width: 10, height: 10, pixels: p.baseAddress)
            var out = ds_image(), err = ds_error()
            XCTAssertNotEqual(ds_resize(&src, 0, 0, 0, &out, &err), Int32(DS_OK))
            var count: Int32 = 0
            XCTAssertNotEqual(ds_components(&src, nil, nil, 0, &count, &err), Int32(DS_OK))
        }
    }
}
