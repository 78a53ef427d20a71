@testable import DigitData
import Foundation
import XCTest

final class FileChecksumTests: XCTestCase {
    /// A file's sum is SHA-256 of its bytes; asked again, it comes from the cache (shown by planting another
    /// sum there); once the file changes, it is hashed again; without a cache, every time.
    func testSumsAreRememberedUntilTheFileChanges() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sums-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("model.safetensors"), cache = dir.appendingPathComponent("cache/sha256")
        try Data("first".utf8).write(to: file)
        let sums = FileChecksum(cache: cache)
        XCTAssertEqual(sums.sha256(of: file.path), SHA256.hex(Array("first".utf8)))

        let stored = try String(contentsOf: cache, encoding: .utf8)
        let planted = String(repeating: "a", count: 64)
        try stored.replacingOccurrences(of: SHA256.hex(Array("first".utf8)), with: planted).write(to: cache, atomically: true, encoding: .utf8)
        XCTAssertEqual(sums.sha256(of: file.path), planted, "the unchanged file's sum is the remembered one")
        XCTAssertEqual(FileChecksum(cache: nil).sha256(of: file.path), SHA256.hex(Array("first".utf8)))

        try Data("second, longer".utf8).write(to: file)
        XCTAssertEqual(sums.sha256(of: file.path), SHA256.hex(Array("second, longer".utf8)))
        XCTAssertEqual(try String(contentsOf: cache, encoding: .utf8).split(separator: "\n").count, 1, "one entry a file")
        XCTAssertNil(sums.sha256(of: dir.appendingPathComponent("missing").path))
    }
}
