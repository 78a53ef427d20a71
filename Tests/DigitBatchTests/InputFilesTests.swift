import DigitBatch
import Foundation
import XCTest

final class InputFilesTests: FolderTestCase {

    /// Folders are searched recursively for images by extension or content; hidden files and other files
    /// are left out; loops and dangling links are reported; the list is sorted and has each path once.
    func testDiscovery() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/in/sub", withIntermediateDirectories: true)
        let png = Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/b.png", contents: Data()))
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/a.JPG", contents: Data()))
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/sub/scan", contents: png))  // no extension: sniffed
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/sub/notes", contents: Data("hello world".utf8)))
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/notes.txt", contents: png))
        XCTAssertTrue(fm.createFile(atPath: dir + "/in/.hidden.png", contents: png))
        try fm.createSymbolicLink(atPath: dir + "/in/sub/loop", withDestinationPath: dir + "/in")
        try fm.createSymbolicLink(atPath: dir + "/in/gone.png", withDestinationPath: dir + "/nowhere.png")

        let entries = InputFiles.collect([dir + "/in", dir + "/in/b.png"])
        let base: String = dir + "/in/"
        let names: [String] = entries.map { String($0.path.dropFirst(base.count)) }
        XCTAssertEqual(names, ["a.JPG", "b.png", "gone.png", "sub/loop", "sub/scan"])
        XCTAssertEqual(entries.filter { $0.problem == nil }.map { String($0.path.dropFirst(base.count)) }, ["a.JPG", "b.png", "sub/scan"])
        XCTAssertEqual(entries[2].problem, "broken or looping symbolic link")
        XCTAssertTrue(entries[3].problem?.hasPrefix("symlink loop") == true)
    }

    /// A TIFF of several pages comes out as one entry a page, named with its page; a PDF that cannot be
    /// opened is an entry with the reason; standard input is `-`.
    func testPagesAreEntries() throws {
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        // Two 2x1 uncompressed gray pages.
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xffff) + u16(v >> 16) }
        var tiff: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0]
        for k in 0..<2 {
            let pixels = tiff.count + 2 + 8 * 12 + 4
            func entry(_ tag: Int, _ value: Int) -> [UInt8] { u16(tag) + u16(4) + u32(1) + u32(value) }
            tiff += u16(8) + entry(256, 2) + entry(257, 1) + entry(258, 8) + entry(259, 1) + entry(262, 1)
            tiff += entry(273, pixels) + entry(278, 1) + entry(279, 2) + u32(k == 0 ? pixels + 2 : 0) + [9, 9]
        }
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/in/scan.tif", contents: Data(tiff)))
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/in/doc.pdf", contents: Data("%PDF-1.4 cut".utf8)))
        let entries = InputFiles.collect([dir + "/in", "-"])
        XCTAssertEqual(entries.map { ($0.name as NSString).lastPathComponent }, ["-", "doc.pdf", "scan.tif#page=1", "scan.tif#page=2"])
        XCTAssertTrue(entries[1].problem?.hasPrefix("not a PDF that can be read") == true)
    }

    /// A FIFO in a folder is never opened (reading one blocks): one without an image's name is passed over,
    /// one named like an image, or named on the command line, is listed as not a regular file.
    func testFIFOsAreNeverOpened() throws {
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(dir + "/in/pipe", 0o644), 0)
        XCTAssertEqual(mkfifo(dir + "/in/pipe.png", 0o644), 0)
        let entries = InputFiles.collect([dir + "/in", dir + "/in/pipe"])
        XCTAssertEqual(entries.map { ($0.path as NSString).lastPathComponent }, ["pipe", "pipe.png"])
        XCTAssertEqual(entries.map(\.problem), ["not a regular file (a FIFO)", "not a regular file (a FIFO)"])
    }

    /// A file whose name is not UTF-8 is listed, its bytes escaped, with the reason it cannot be read.
    func testNamesThatAreNotUTF8AreListed() throws {
        let path = Array((dir + "/bad").utf8) + [0xff, 0xfe] + Array(".png".utf8) + [0]
        let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        let entries = InputFiles.collect([dir])
        XCTAssertEqual(entries.map(\.path), [dir + "/bad\\xff\\xfe.png"])
        XCTAssertEqual(entries.first?.problem, "the file name is not UTF-8 (shown with its bytes escaped); rename the file to read it")
    }

    /// One file named twice, by two spellings or through a link, is one input.
    func testOneFileByTwoSpellingsIsReadOnce() throws {
        try FileManager.default.createDirectory(atPath: dir + "/a", withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/a/x.png", contents: Data()))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.png", withDestinationPath: dir + "/a/x.png")
        let entries = InputFiles.collect([dir + "/a/x.png", dir + "/a/../a/x.png", dir + "/link.png", dir + "/a"])
        XCTAssertEqual(entries.count, 1)
    }

    /// Shards are contiguous, differ in size by at most one, and together hold every input once.
    func testShardsCoverEveryInputOnce() throws {
        let items = Array(0..<23)
        var all = [Int]()
        for i in 1...5 {
            let part = InputFiles.shard(items, try XCTUnwrap(Shard("\(i)/5")))
            XCTAssertTrue([4, 5].contains(part.count))
            all += part
        }
        XCTAssertEqual(all, items)
        XCTAssertNil(Shard("0/5"))
        XCTAssertNil(Shard("6/5"))
        XCTAssertNil(Shard("1-5"))
    }
}
