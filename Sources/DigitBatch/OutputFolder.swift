import Foundation

/// The output folder of a batch run. Files are written under temporary names and renamed into place when
/// complete, so an interrupted run never leaves half a file; a folder holding an earlier run is refused
/// unless `--overwrite` clears that run's files first.
public struct OutputFolder: Sendable {
    public let path: String
    /// The files a run writes at the top of the folder.
    public static let runFiles = ["predictions.csv", "predictions.jsonl", "readings.csv", "summary.json", "samples-idx3-ubyte", "report.pdf"]

    /// Creates the folder if needed; refuses one that holds a run unless `overwrite` clears that run first.
    public init(_ path: String, overwrite: Bool) throws {
        self.path = path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
            throw BatchError.outputFolder(path: path, reason: "is a file, not a folder; choose another --out")
        }
        do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw BatchError.outputFolder(path: path, reason: "cannot be created (\((error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription))")
        }
        lock = try FolderLock(path)
        let existing = (try? fm.contentsOfDirectory(atPath: path)) ?? []
        let ours = existing.filter { name in
            Self.runFiles.contains(name) || name == "pages" || (name.hasSuffix(".png") && (name.hasPrefix("predictions") || name.hasPrefix("misclassified") || name == "confusion.png"))
        }
        if !ours.isEmpty {
            guard overwrite else {
                throw BatchError.outputFolder(path: path, reason: "already holds the results of a run (\(ours.sorted().prefix(3).joined(separator: ", "))); choose another --out or pass --overwrite")
            }
            for name in ours { try fm.removeItem(atPath: (path as NSString).appendingPathComponent(name)) }
        }
    }

    /// Held while the folder is in use: a second run into the same folder is refused, not interleaved.
    let lock: FolderLock

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}

/// A file written in pieces under a temporary name and renamed into place by `commit()`.
public final class StagedFile {
    let target: String
    let temporary: String
    private let handle: FileHandle
    private var buffer = Data()

    public init(_ target: String) throws {
        self.target = target
        temporary = target + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let h = FileHandle(forWritingAtPath: temporary) else { throw BatchError.cannotWrite(path: target, reason: "cannot create \(temporary)") }
        handle = h
    }

    public func write(_ s: String) { write(Data(s.utf8)) }

    public func write(_ d: Data) {
        buffer.append(d)
        if buffer.count > 1 << 20 { flush() }
    }

    /// The first write error (a full disk, a lost device): later writes are dropped and `commit` throws it.
    private var failure: (any Error)?

    private func flush() {
        guard failure == nil else { buffer.removeAll(); return }
        do { try handle.write(contentsOf: buffer) } catch { failure = error }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Puts the finished file in place; throws, leaving the target as it was, if any write failed.
    public func commit() throws {
        flush()
        try handle.close()
        if let failure {
            try? FileManager.default.removeItem(atPath: temporary)
            throw BatchError.cannotWrite(path: target, reason: (failure as NSError).localizedDescription)
        }
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        try FileManager.default.moveItem(atPath: temporary, toPath: target)
    }
}

/// Writes `data` to `path` atomically.
public func writeAtomically(_ data: Data, to path: String) throws {
    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
}

/// An exclusive lock on a folder (flock on a hidden file in it), held until the value is released or the
/// process ends.
final class FolderLock: Sendable {
    private let fd: Int32

    init(_ folder: String) throws {
        let file = (folder as NSString).appendingPathComponent(".digits-lock")
        fd = open(file, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BatchError.outputFolder(path: folder, reason: "cannot be locked (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw BatchError.outputFolder(path: folder, reason: "another digits run is writing there; wait for it or choose another --out")
        }
    }

    deinit { close(fd) }
}
