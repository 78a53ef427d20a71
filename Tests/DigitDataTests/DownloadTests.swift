@testable import DigitData
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.0 server on 127.0.0.1 serving fixed files, for testing downloads without the internet.
final class LocalServer: @unchecked Sendable {
    let socketFD: Int32
    let port: UInt16
    let files: [String: Data]
    private let thread: Thread

    init(files: [String: Data]) throws {
        self.files = files
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socketFD = socketFD
        var yes: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketFD, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &len) }
        }
        port = UInt16(bigEndian: addr.sin_port)
        let fd = socketFD, served = files
        thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = read(client, &buffer, buffer.count)
                let request = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
                let path = request.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
                var response: Data
                if let body = served[path] {
                    response = Data("HTTP/1.0 200 OK\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
                } else {
                    response = Data("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
                }
                response.withUnsafeBytes { p in
                    var sent = 0
                    while sent < p.count {
                        let k = write(client, p.baseAddress! + sent, p.count - sent)
                        if k <= 0 { break }
                        sent += k
                    }
                }
                close(client)
            }
        }
        thread.start()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() { shutdown(socketFD, Int32(SHUT_RDWR)); close(socketFD) }
}

final class DownloadTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-\(UUID().uuidString)")
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    let payload = Data((0..<5000).map { UInt8($0 % 256) })
    var entry: MNISTFiles.Entry { .init(name: "f", gzipSHA256: SHA256.hex(payload), plainSHA256: "") }

    func testFetchVerifiesAndFallsBackToTheNextMirror() async throws {
        let server = try LocalServer(files: ["/good/f.gz": payload])
        defer { server.stop() }
        var log = [String]()
        let fetcher = Fetcher(mirrors: [server.base + "/missing/", server.base + "/good/"], entries: [entry])
        try await fetcher.fetch(into: dir) { log.append($0) }
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("f.gz")), payload)
        XCTAssertTrue(log.contains { $0.contains("HTTP 404") }, "\(log)")
        // A second fetch finds the file in place and downloads nothing.
        log = []
        try await Fetcher(mirrors: [server.base + "/nowhere/"], entries: [entry]).fetch(into: dir) { log.append($0) }
        XCTAssertEqual(log.count, 1)
        XCTAssertTrue(log[0].contains("present, checksum ok"))
    }

    func testCorruptDownloadIsRefusedAndNotKept() async throws {
        var bad = payload
        bad[10] ^= 1
        let server = try LocalServer(files: ["/f.gz": bad])
        defer { server.stop() }
        do {
            try await Fetcher(mirrors: [server.base + "/"], entries: [entry]).fetch(into: dir)
            XCTFail("a corrupt download was accepted")
        } catch let error as FetchError {
            guard case .checksum = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("does not match"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("f.gz").path))
    }

    func testVerifyRealMNIST() throws {
        guard let path = ProcessInfo.processInfo.environment["DIGITS_DATA"] else { throw XCTSkip("DIGITS_DATA not set") }
        let lines = try Fetcher().verify(URL(fileURLWithPath: path))
        XCTAssertEqual(lines.last, "60000 training and 10000 test images, 28x28")
    }

    func testVerifyReportsAWrongChecksum() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("not mnist".utf8).write(to: dir.appendingPathComponent("f.gz"))
        XCTAssertThrowsError(try Fetcher(entries: [entry]).verify(dir)) { error in
            XCTAssertTrue("\(error)".contains("f.gz: SHA-256"), "\(error)")
        }
    }
}
