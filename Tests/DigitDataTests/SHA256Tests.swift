@testable import DigitData
import XCTest

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 example vectors.
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Feeding the data in pieces gives the same digest as all at once.
    func testIncrementalUpdates() {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        var s = SHA256()
        s.update(bytes[0..<1]); s.update(bytes[1..<64]); s.update(bytes[64..<130]); s.update(bytes[130...])
        XCTAssertEqual(s.finalize().map { String(format: "%02x", $0) }.joined(), SHA256.hex(bytes))
    }
}
