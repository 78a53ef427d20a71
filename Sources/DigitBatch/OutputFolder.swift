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
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
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
