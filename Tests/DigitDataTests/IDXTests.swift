@testable import DigitData
import DigitNet
import Foundation
import XCTest

final class IDXTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("idx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// IDX bytes: header for `dims` and then `values`.
    static func idx(_ dims: [Int], _ values: [UInt8], type: UInt8 = 0x08) -> Data {
        var d = Data([0, 0, type, UInt8(dims.count)])
        for v in dims { d.append(contentsOf: [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)]) }
        d.append(contentsOf: values)
        return d
    }

    func write(_ name: String, _ data: Data) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    func testReadsImagesAndLabels() throws {
        let images = try write("i", Self.idx([2, 2, 3], Array(0..<12)))
        let labels = try write("l", Self.idx([2], [7, 3]))
        let set = try IDX.load(images: images, labels: labels)
        XCTAssertEqual(set.count, 2)
        XCTAssertEqual(set.rows, 2)
        XCTAssertEqual(set.columns, 3)
        XCTAssertEqual(set.labels, [7, 3])
        XCTAssertEqual(set.pixels, Array(0..<12))
    }

    func testReadsGzipFiles() throws {
        // gzip made by the system's gzip, so the reader is tested against a real encoder.
        let plain = try write("g", Self.idx([3], [1, 2, 3]))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-kf", plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        let (dims, values) = try IDX.read(dir.appendingPathComponent("g.gz"), rank: 1)
        XCTAssertEqual(dims, [3])
        XCTAssertEqual(values, [1, 2, 3])
    }

    /// A gzip bomb — a small header followed by far more bytes than it promises — is refused as soon as the
    /// output passes what the header says, not when it reaches the global limit.
    func testGzipBombIsRefusedAtItsHeadersSize() throws {
        let plain = try write("bomb", Self.idx([100], [UInt8](repeating: 7, count: 100)) + Data(count: 8 << 20))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-kf", plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        XCTAssertThrowsError(try IDX.read(dir.appendingPathComponent("bomb.gz"), rank: 1)) { error in
            XCTAssertTrue("\(error)".contains("decompresses to more than 108 bytes"), "\(error)")
        }
    }

    func assertError(_ data: Data, rank: Int = 1, contains text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try write("bad", data)
        XCTAssertThrowsError(try IDX.read(url, rank: rank), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(url.path), "error does not name the file: \(message)", file: file, line: line)
            XCTAssertTrue(message.contains(text), "\(message) does not say '\(text)'", file: file, line: line)
        }
    }

    func testRejectsMalformedFiles() throws {
        try assertError(Data([0, 0]), contains: "too short")
        try assertError(Data([1, 0, 8, 1, 0, 0, 0, 0]), contains: "magic")
        try assertError(Self.idx([1], [0], type: 0x0D), contains: "not unsigned bytes")
        try assertError(Self.idx([1, 1], [0]), contains: "rank 2, expected 1")
        try assertError(Data([0, 0, 8, 3, 0, 0, 0]), rank: 3, contains: "header is truncated")
        try assertError(Self.idx([5], [1, 2]), contains: "need 5 bytes of data, file has 2")
        try assertError(Self.idx([2], [1, 2, 3]), contains: "file has 3")
        // A header claiming 2^32-1 x 2^32-1 x 2^32-1 values is refused before any allocation.
        try assertError(Self.idx([Int(UInt32.max), Int(UInt32.max), Int(UInt32.max)], []), rank: 3, contains: "absurd")
        try assertError(Data([0x1f, 0x8b, 8, 0, 0, 0]), contains: "gzip")
    }

    func testMissingFile() {
        XCTAssertThrowsError(try IDX.read(dir.appendingPathComponent("nope"), rank: 1)) { error in
            XCTAssertTrue("\(error)".contains("nope: file not found"))
        }
    }

    func testCountMismatchAndLabelRange() throws {
        let images = try write("i", Self.idx([2, 1, 1], [0, 0]))
        let three = try write("l3", Self.idx([3], [0, 1, 2]))
        XCTAssertThrowsError(try IDX.load(images: images, labels: three)) { error in
            XCTAssertTrue("\(error)".contains("holds 3 labels but i holds 2 images"), "\(error)")
        }
        let big = try write("l", Self.idx([2], [0, 10]))
        XCTAssertThrowsError(try IDX.load(images: images, labels: big)) { error in
            XCTAssertTrue("\(error)".contains("label 10 at index 1 is out of range"), "\(error)")
        }
    }

    /// The real MNIST files, when CI provides them: counts and label histogram as published.
    func testRealMNIST() throws {
        guard let path = ProcessInfo.processInfo.environment["DIGITS_DATA"] else { throw XCTSkip("DIGITS_DATA not set") }
        let test = try DataSet(directory: URL(fileURLWithPath: path)).test()
        XCTAssertEqual(test.count, 10000)
        var histogram = [Int](repeating: 0, count: 10)
        for l in test.labels { histogram[Int(l)] += 1 }
        XCTAssertEqual(histogram, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }

    func testDataLocation() {
        XCTAssertEqual(DataSet.resolve("/x", environment: ["DIGITS_DATA": "/y"]).directory.path, "/x")
        XCTAssertEqual(DataSet.resolve(nil, environment: ["DIGITS_DATA": "/y"]).directory.path, "/y")
        XCTAssertEqual(DataSet.resolve(nil, environment: ["HOME": "/home/u"]).directory.path, "/home/u/.cache/digits/mnist")
    }
}
