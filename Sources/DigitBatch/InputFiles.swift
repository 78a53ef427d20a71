import DigitNet
import DigitVision
import Foundation

/// An input found on the command line or inside a folder: a file to read, or an entry that cannot be read
/// (a symlink loop, a folder without permission), reported with its reason.
public struct InputEntry: Equatable, Sendable {
    public var path: String
    public var problem: String?
    /// The page (from 1) of a PDF or a TIFF of several pages; nil for a file of one picture.
    public var page: Int?

    public init(path: String, problem: String? = nil, page: Int? = nil) {
        self.path = path; self.problem = problem; self.page = page
    }

    /// How results name it: the path, and `#page=N` for a page (as PDF viewers open a page).
    public var name: String { page.map { "\(path)#page=\($0)" } ?? path }

    /// Standard input, named `-` on the command line.
    public static let standardInput = "-"
}

/// Finds the inputs: named files as they are; folders searched recursively for image files (by extension,
/// or by content for files without one); hidden entries skipped; loops and unreadable folders reported.
/// The result is sorted by path, so runs and shards are deterministic.
public enum InputFiles {
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "jpe", "bmp", "dib", "tif", "tiff", "webp", "pbm",
                                               "pgm", "ppm", "pnm", "pxm", "sr", "ras", "jp2", "hdr", "pic", "exr", "gif"]

    /// Every input under `paths`, sorted by path, each once: one file named by two spellings of its path
    /// (`a/x.png`, `./a/../a/x.png`, a symbolic link to it) is read once, under the first spelling in order.
    public static func collect(_ paths: [String]) -> [InputEntry] {
        var out = [InputEntry]()
        var visited = Set<String>()
        let fm = FileManager.default
        for path in paths {
            if path == InputEntry.standardInput {
                out.append(InputEntry(path: path))
                continue
            }
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                walk(path, visited: &visited, into: &out)
            } else {
                // Named explicitly: read it, or report why not (a FIFO or a device is never opened: it could block).
                out.append(InputEntry(path: path, problem: special(path).map { "not a regular file (\($0))" }))
            }
        }
        var seen = Set<String>()
        return out.sorted { $0.path < $1.path }.filter { entry in
            let real = entry.problem == nil && entry.path != InputEntry.standardInput ? canonical(entry.path) : entry.path
            return seen.insert(real).inserted
        }.flatMap(pages)
    }

    /// A PDF as its pages, a TIFF of several pages as its pages; any other entry as it is. A document whose
    /// pages cannot be counted is an entry with the reason.
    static func pages(_ entry: InputEntry) -> [InputEntry] {
        guard entry.problem == nil, entry.path != InputEntry.standardInput else { return [entry] }
        guard let kind = Pages.kind(entry.path) else { return [entry] }
        let pdf = kind == .pdf
        do {
            let n = try Pages.count(entry.path)
            if n == 0 { return [InputEntry(path: entry.path, problem: "the document has no pages")] }
            return n == 1 && !pdf ? [entry] : (1...n).map { InputEntry(path: entry.path, page: $0) }
        } catch let e as ScanError {
            return [InputEntry(path: entry.path, problem: e.reason(for: entry.path))]
        } catch {
            return [InputEntry(path: entry.path, problem: "\(error)")]
        }
    }

    private static func walk(_ dir: String, visited: inout Set<String>, into out: inout [InputEntry]) {
        let real = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else {
            out.append(InputEntry(path: dir, problem: "symlink loop: this folder was already visited as \(real)"))
            return
        }
        let listing: (names: [String], undecodable: [String])
        do { listing = try names(in: dir) } catch {
            out.append(InputEntry(path: dir, problem: "cannot read folder: \(error)"))
            return
        }
        for name in listing.undecodable where !name.hasPrefix(".") {
            out.append(InputEntry(path: (dir as NSString).appendingPathComponent(name), problem: notUTF8))
        }
        for name in listing.names.sorted() where !name.hasPrefix(".") {
            let path = (dir as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                // A dangling link, or a link cycle the system refused to follow.
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
                    out.append(InputEntry(path: path, problem: "broken or looping symbolic link"))
                }
                continue
            }
            if isDir.boolValue {
                walk(path, visited: &visited, into: &out)
            } else if let kind = special(path) {
                // Never opened: reading a FIFO blocks until someone writes to it. Listed if it claims to be an image.
                if imageExtensions.contains((path as NSString).pathExtension.lowercased()) {
                    out.append(InputEntry(path: path, problem: "not a regular file (\(kind))"))
                }
            } else if unreadableExtensions.contains((path as NSString).pathExtension.lowercased()) {
                let format = (path as NSString).pathExtension.uppercased()
                out.append(InputEntry(path: path, problem: "\(format) is not a format digits reads; convert the file to PNG"))
            } else if isImage(path) {
                out.append(InputEntry(path: path, problem: nil))
            }
        }
    }

    /// The file's one name: links followed, `.` and `..` resolved (realpath; Foundation's reading of it where
    /// the system cannot).
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else {
            return URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static let notUTF8 = "the file name is not UTF-8 (shown with its bytes escaped); rename the file to read it"

    /// Paths named on the command line: each one that exists is collected; one that the program got with
    /// bytes replaced (a name that is not UTF-8) gets a row saying so; `missing` holds the rest.
    public static func collect(arguments paths: [String]) -> (entries: [InputEntry], missing: [String]) {
        let undecodable = undecodableArguments()
        var found = [String](), extra = [InputEntry](), missing = [String]()
        for path in paths {
            if path == InputEntry.standardInput || FileManager.default.fileExists(atPath: path) {
                found.append(path)
            } else if let u = undecodable.first(where: { $0.seen == path }) {
                extra.append(InputEntry(path: u.escaped, problem: notUTF8))
            } else {
                missing.append(path)
            }
        }
        return ((collect(found) + extra).sorted { $0.path < $1.path }, missing)
    }

    /// A folder's entries: names that are UTF-8, and the others with their bytes escaped as \xNN (FileManager
    /// drops those silently; every file must come out with a row).
    static func names(in dir: String) throws -> (names: [String], undecodable: [String]) {
        guard let d = opendir(dir) else { throw BatchError.notResults(path: dir, reason: String(cString: strerror(errno))) }
        defer { closedir(d) }
        var names = [String](), undecodable = [String]()
        while let entry = readdir(d) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if bytes == Array(".".utf8) || bytes == Array("..".utf8) { continue }
            if let name = String(validating: bytes, as: UTF8.self) {
                names.append(name)
            } else {
                undecodable.append(escaped(bytes))
            }
        }
        return (names, undecodable)
    }

    /// A name's bytes as text: UTF-8 as it is, other bytes escaped as \xNN.
    static func escaped(_ bytes: [UInt8]) -> String {
        String(validating: bytes, as: UTF8.self)
            ?? bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
    }

    /// Command-line arguments that are not UTF-8 but name an existing file or folder, as the program sees them
    /// (bytes replaced by U+FFFD) and escaped: such a path cannot be opened under the name the program got, so
    /// it is reported with a row rather than as missing.
    public static func undecodableArguments() -> [(seen: String, escaped: String)] {
        var out = [(seen: String, escaped: String)]()
        for k in 1..<Int(CommandLine.argc) {
            guard let arg = CommandLine.unsafeArgv[k] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(arg).assumingMemoryBound(to: UInt8.self), count: strlen(arg)))
            guard String(validating: bytes, as: UTF8.self) == nil else { continue }
            var st = stat()
            guard stat(arg, &st) == 0 else { continue }
            out.append((String(decoding: bytes, as: UTF8.self), escaped(bytes)))
        }
        return out
    }

    /// What a path that exists but is neither a regular file nor a folder is (after links): nil for those two.
    static func special(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    /// Picture formats that digits does not read: listed with the reason, never skipped.
    public static let unreadableExtensions: Set<String> = ["heic", "heif", "avif", "svg", "jxl"]

    /// By extension, or for files without a known one, by the first bytes (PNG, JPEG, BMP, TIFF, WebP).
    public static func isImage(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if imageExtensions.contains(ext) || ext == "pdf" { return true }
        if !ext.isEmpty && ext.count <= 4 && ["txt", "csv", "json", "md", "zip", "gz"].contains(ext) { return false }
        guard let h = FileHandle(forReadingAtPath: path) else { return true }  // unreadable: report it later
        defer { try? h.close() }
        let b = [UInt8](h.readData(ofLength: 12))
        if b.count < 4 { return false }
        return b.starts(with: [0x89, 0x50, 0x4e, 0x47]) || b.starts(with: [0xff, 0xd8]) || b.starts(with: [0x42, 0x4d])
            || b.starts(with: [0x49, 0x49, 0x2a, 0]) || b.starts(with: [0x4d, 0x4d, 0, 0x2a])
            || (b.count >= 12 && b.starts(with: Array("RIFF".utf8)) && Array(b[8..<12]) == Array("WEBP".utf8))
            || b.starts(with: Array("%PDF-".utf8)) || b.starts(with: Array("GIF8".utf8))
    }

    /// The `index`-th (1-based) of `count` contiguous slices of the sorted inputs.
    public static func shard<T>(_ items: [T], _ shard: Shard) -> [T] {
        Array(items[slice(items.count, part: shard.index - 1, of: shard.count)])
    }
}

/// `I/N`: the I-th (1-based) of N slices.
public struct Shard: Sendable, CustomStringConvertible {
    public let index: Int, count: Int

    public init?(_ argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else { return nil }
        index = i; count = n
    }

    public var description: String { "\(index)/\(count)" }
}

