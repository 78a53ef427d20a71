import Foundation

/// SHA-256 of files, remembered by path, size, modification time and inode in a small cache file, so that
/// naming a model in every run's report does not hash its megabytes every time. A file changed in any of
/// those is hashed again; a cache that cannot be read or written only costs the hashing.
public struct FileChecksum: Sendable {
    /// The cache file (`~/.cache/digits/sha256`, or under `$XDG_CACHE_HOME`); nil: hash every time.
    public var cache: URL?

    public init(cache: URL? = FileChecksum.defaultCache()) { self.cache = cache }

    public static func defaultCache() -> URL? {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? env["HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent(".cache") }
        return base?.appendingPathComponent("digits/sha256")
    }

    /// The file's SHA-256 in hex; nil when it cannot be read.
    public func sha256(of path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let key = "\(st.st_size)\t\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)\t\(st.st_ino)\t\(path)"
        var lines = cache.flatMap { try? String(contentsOf: $0, encoding: .utf8) }?.split(separator: "\n").map(String.init) ?? []
        for line in lines {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[1] == key, parts[0].count == 64 { return parts[0] }
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let sum = SHA256.hex(data)
        // A name with a tab or a line break in it would break the cache's lines: such a file is hashed each time.
        if let cache, !path.contains("\t"), !path.contains("\n") {
            // The newest first, the path's older entries dropped, a few hundred kept; written whole and put in
            // place at once, so that two runs never leave half a file.
            lines = [sum + "\t" + key] + lines.filter { !$0.hasSuffix("\t" + path) }.prefix(255)
            let staged = cache.appendingPathExtension("\(getpid())")
            try? FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
            if (try? (lines.joined(separator: "\n") + "\n").write(to: staged, atomically: false, encoding: .utf8)) != nil {
                if rename(staged.path, cache.path) != 0 { try? FileManager.default.removeItem(at: staged) }
            }
        }
        return sum
    }
}
