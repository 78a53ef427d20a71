import DigitBatch
import Foundation
import XCTest

final class StagedFileTests: FolderTestCase {
    func testCommitPutsTheWholeFileInPlace() throws {
        let f = try StagedFile(dir + "/out.txt")
        f.write("hello ")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.txt"))
        f.write(Data("world".utf8))
        try f.commit()
        XCTAssertEqual(try String(contentsOfFile: dir + "/out.txt", encoding: .utf8), "hello world")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.txt.partial"))
    }

    /// One run at a time writes into a folder: a second is refused while the first holds it, and a file is
    /// no folder.
    func testAnOutputFolderIsLockedWhileInUse() throws {
        var first: OutputFolder? = try OutputFolder(dir + "/out", overwrite: false)
        XCTAssertThrowsError(try OutputFolder(dir + "/out", overwrite: true)) { error in
            XCTAssertTrue("\(error)".contains("another digits run is writing there"), "\(error)")
        }
        XCTAssertNotNil(first)
        first = nil
        XCTAssertNoThrow(try OutputFolder(dir + "/out", overwrite: false))
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/file", contents: Data()))
        XCTAssertThrowsError(try OutputFolder(dir + "/file", overwrite: false)) { error in
            XCTAssertEqual("\(error)", dir + "/file: is a file, not a folder; choose another --out")
        }
    }

    /// A disk that fills up fails the commit with the reason; the process goes on and no partial file is left
    /// in place. Needs a small tmpfs (root); skipped where it cannot be mounted.
    func testAFullDiskFailsTheCommitNotTheProcess() throws {
        let mountPoint = dir + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        guard (try? mount.run()) != nil else { throw XCTSkip("cannot run mount") }
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root?)") }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        let f = try StagedFile(mountPoint + "/big.bin")
        for _ in 0..<8 { f.write(Data(count: 300_000)) }
        XCTAssertThrowsError(try f.commit()) { error in
            XCTAssertTrue("\(error)".hasPrefix(mountPoint + "/big.bin: cannot write: "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: mountPoint + "/big.bin"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: mountPoint + "/big.bin.partial"))
    }
}
