import CZlib
@testable import DigitReport
import XCTest

final class Adler32Tests: XCTestCase {
    /// The vectorised sum equals zlib's on lengths around a vector and a block, fed whole or in uneven pieces,
    /// and on all-255 bytes (the largest lane sums).
    func testMatchesZlib() {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func byte() -> UInt8 { state = state &* 6364136223846793005 &+ 1442695040888963407; return UInt8(state >> 56) }
        for length in [0, 1, 15, 16, 17, 255, 5551, 5552, 5553, 11104, 100_003] {
            for bytes in [(0..<length).map { _ in byte() }, [UInt8](repeating: 255, count: length)] {
                let expected = bytes.withUnsafeBufferPointer { UInt32(adler32(1, $0.baseAddress, uInt($0.count))) }
                var whole = Adler32(), pieces = Adler32()
                bytes.withUnsafeBufferPointer { b in
                    whole.update(b)
                    var i = 0, step = 1
                    while i < b.count {
                        let end = min(b.count, i + step)
                        pieces.update(UnsafeBufferPointer(rebasing: b[i..<end]))
                        i = end; step = step * 3 + 7
                    }
                }
                XCTAssertEqual(whole.value, expected, "length \(length)")
                XCTAssertEqual(pieces.value, expected, "length \(length) in pieces")
            }
        }
    }
}
