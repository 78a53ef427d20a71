import DigitImage
import DigitShim
@testable import DigitVision
import Foundation
import XCTest

/// The shim's own PNG decoder (shim/PNG.cpp): every row filter, every colour type it takes, real zlib
/// streams, and a refusal (so that OpenCV decides) for everything else.
final class PNGTests: XCTestCase {
    /// A PNG written by hand: row y uses filter y % 5, the zlib stream is made of stored blocks and the data
    /// is split over several IDAT chunks.
    struct HandMadePNG {
        var width: Int, height: Int, colourType: UInt8, channels: Int
        var samples: [UInt8]  // height * width * channels, in PNG's RGB(A) order
        var interlaced = false, depth: UInt8 = 8, extraChunk: (String, [UInt8])? = nil
        var adlerFlip: UInt32 = 0  // bits flipped in the zlib stream's checksum (the chunks' CRCs stay right)

        func bytes(idatSize: Int = 50) -> [UInt8] {
            let stride = width * channels
            var filtered = [UInt8]()
            for y in 0..<height {
                let type = UInt8(y % 5)
                filtered.append(type)
                for i in 0..<stride {
                    let x = Int(samples[y * stride + i])
                    let a = i >= channels ? Int(samples[y * stride + i - channels]) : 0
                    let b = y > 0 ? Int(samples[(y - 1) * stride + i]) : 0
                    let c = (i >= channels && y > 0) ? Int(samples[(y - 1) * stride + i - channels]) : 0
                    let predictor: Int
                    switch type {
                    case 0: predictor = 0
                    case 1: predictor = a
                    case 2: predictor = b
                    case 3: predictor = (a + b) / 2
                    default:
                        let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                        predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                    }
                    filtered.append(UInt8((x - predictor) & 255))
                }
            }
            // zlib: header, stored blocks of at most 100 bytes, Adler-32.
            var z: [UInt8] = [0x78, 0x01]
            var start = 0
            repeat {
                let n = min(100, filtered.count - start), last: UInt8 = start + n == filtered.count ? 1 : 0
                z += [last, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
                z += filtered[start..<(start + n)]
                start += n
            } while start < filtered.count
            var s1: UInt32 = 1, s2: UInt32 = 0
            for v in filtered { s1 = (s1 + UInt32(v)) % 65521; s2 = (s2 + s1) % 65521 }
            z += be32((s2 << 16 | s1) ^ adlerFlip)

            var png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
            png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [depth, colourType, 0, 0, interlaced ? 1 : 0])
            if let (name, data) = extraChunk { png += chunk(name, data) }
            for part in Swift.stride(from: 0, to: z.count, by: idatSize) { png += chunk("IDAT", Array(z[part..<min(z.count, part + idatSize)])) }
            return png + chunk("IEND", [])
        }
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        var crc: UInt32 = 0xffff_ffff
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return be32(UInt32(data.count)) + body + be32(~crc)
    }

    func simple(_ bytes: [UInt8]) throws -> GrayImage {
        var out = ds_image(), err = ds_error()
        let code = bytes.withUnsafeBufferPointer { ds_decode_simple_png($0.baseAddress, $0.count, &out, &err) }
        try ScanError.check(code, err)
        return GrayImage.adopt(&out)
    }

    /// Sample values chosen so that every filter wraps around and gray is known exactly: gray levels equal
    /// in R, G and B give themselves; pure red gives 76 and pure blue 29 (OpenCV's BT.601 weights), so a
    /// swapped channel order shows; alpha is 0 (white paper) or 255.
    func testEveryFilterAndColourType() throws {
        let width = 37, height = 11  // gray rows of two 16-byte blocks and a rest
        for (colourType, channels) in [(UInt8(0), 1), (4, 2), (2, 3), (6, 4)] {
            var samples = [UInt8](), expected = [UInt8]()
            for y in 0..<height {
                for x in 0..<width {
                    let v = UInt8((x * 97 + y * 61 + x * y * 13) % 256)
                    let opaque = channels % 2 == 1 || (x + 2 * y) % 7 != 0
                    let alpha: [UInt8] = channels % 2 == 0 ? [opaque ? 255 : 0] : []
                    switch (channels >= 3 ? (x + y) % 5 : 4) {
                    case 0: samples += [255, 0, 0] + alpha; expected.append(opaque ? 76 : 255)
                    case 1: samples += [0, 0, 255] + alpha; expected.append(opaque ? 29 : 255)
                    default:
                        samples += Array(repeating: v, count: channels >= 3 ? 3 : 1) + alpha
                        expected.append(opaque ? v : 255)
                    }
                }
            }
            let png = HandMadePNG(width: width, height: height, colourType: colourType, channels: channels, samples: samples).bytes()
            let image = try simple(png)
            XCTAssertEqual(image.width, width)
            XCTAssertEqual(image.height, height)
            XCTAssertEqual(image.pixels, expected, "colour type \(colourType)")
            XCTAssertEqual(try Decoder.decode(png, name: "hand.png").pixels, expected, "colour type \(colourType)")
        }
    }

    /// Gray rows long enough for the 64-byte blocks of the Sub filter's running sum, with 16-byte blocks and
    /// single bytes after them, come back exactly under every filter.
    func testWideGrayRowsComeBackExactly() throws {
        let width = 64 * 2 + 16 + 13, height = 10
        var state: UInt32 = 3
        let samples = (0..<(width * height)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        let png = HandMadePNG(width: width, height: height, colourType: 0, channels: 1, samples: samples).bytes(idatSize: 700)
        XCTAssertEqual(try simple(png).pixels, samples)
    }

    /// A noisy scan written by OpenCV's encoder (zlib, adaptive filters) comes back exactly.
    func testCompressedScanComesBackExactly() throws {
        let width = 301, height = 207
        var state: UInt32 = 7
        let pixels = (0..<(width * height)).map { i -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(clamping: 200 + Int(state >> 28) - (i % width > 100 && i % width < 140 ? 150 : 0))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        var err = ds_error()
        try ScanError.check(pixels.withUnsafeBufferPointer { ds_write_image(url.path, $0.baseAddress, Int32(width), Int32(height), 1, &err) }, err)
        let image = try simple(Array(try Data(contentsOf: url)))
        XCTAssertEqual(image.pixels, pixels)
        // Through the decoder, which unfilters a gray one straight into the pixels it hands out.
        XCTAssertEqual(try Decoder.load(url.path).pixels, pixels)
    }

    /// Interlaced, 16-bit, palette and colour-key files, a damaged CRC and a damaged zlib checksum are left to
    /// OpenCV.
    func testRefusesWhatItDoesNotHandle() throws {
        let gray = HandMadePNG(width: 4, height: 3, colourType: 0, channels: 1, samples: (0..<12).map { UInt8($0 * 20) })
        XCTAssertNoThrow(try simple(gray.bytes()))
        var interlaced = gray
        interlaced.interlaced = true
        var deep = gray
        deep.depth = 16
        var keyed = gray
        keyed.extraChunk = ("tRNS", [0, 0])
        var damaged = gray.bytes()
        damaged[damaged.count - 20] ^= 0x40
        var badChecksum = gray
        badChecksum.adlerFlip = 0x100
        for (name, bytes) in [("interlaced", interlaced.bytes()), ("16-bit", deep.bytes()), ("tRNS", keyed.bytes()),
                              ("damaged", damaged), ("truncated", Array(gray.bytes().dropLast(13))),
                              ("zlib checksum", badChecksum.bytes())] {
            XCTAssertThrowsError(try simple(bytes), name)
        }
        // The colour-keyed one is still a readable PNG: OpenCV decodes it.
        XCTAssertEqual(try Decoder.decode(keyed.bytes(), name: "keyed.png").pixels.count, 12)
    }
}
