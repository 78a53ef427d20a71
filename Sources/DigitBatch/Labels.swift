import Foundation

/// True labels: a digit per single-digit scan, or the digits of a page in reading order (lines separated by
/// `/` when they should be checked too).
public struct Labels: Sendable {
    /// By the absolute path the entry names (relative entries are relative to the labels file's folder).
    private var byPath = [String: String]()
    /// By bare file name, for entries whose name is unique in the file.
    private var byName = [String: String]()
    /// Bare names that several entries share: a file is matched to them by its path only.
    public private(set) var ambiguousNames = Set<String>()
    public let fromNames: Bool

    /// Labels taken from the leading digit of each file name (7_anything.png).
    public init(fromNames: Bool) { self.fromNames = fromNames }

    /// Reads a CSV of `file,label`, RFC 4180 quoting, `#` comments and blank lines allowed; a first line whose
    /// label column is a word (`label`, `truth`) is a header. An entry's file is taken relative to the CSV's folder (or
    /// as it is, when absolute); a file is matched by its path, and by its bare name only when that name is
    /// unique in the CSV. Errors name the line: a malformed entry, a label that is not digits, a file listed
    /// twice with different labels.
    public init(csv path: String) throws {
        fromNames = false
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BatchError.labels(path: path, line: nil, reason: "cannot read labels")
        }
        let base = (path as NSString).deletingLastPathComponent
        var lineOf = [String: (Int, String)](), names = [String: Int]()
        var sawEntry = false
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = n + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = CSV.rows(line).first?.map { $0.trimmingCharacters(in: .whitespaces) } ?? []
            guard fields.count == 2, !fields[0].isEmpty else {
                throw BatchError.labels(path: path, line: lineNumber, reason: "expected file,label")
            }
            let (file, label) = (fields[0], fields[1])
            if !sawEntry && label.allSatisfy(\.isLetter) { sawEntry = true; continue }  // the header: a word, never a label
            sawEntry = true
            guard !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "/") }),
                  label.first != "/", label.last != "/" else {
                throw BatchError.labels(path: path, line: lineNumber, reason: "label '\(label)' is not a string of digits (lines separated by /)")
            }
            let key = Self.key(file.hasPrefix("/") ? file : (base as NSString).appendingPathComponent(file))
            if let (earlier, other) = lineOf[key] {
                guard other == label else {
                    throw BatchError.labels(path: path, line: lineNumber, reason: "\(file) is labelled '\(other)' on line \(earlier) and '\(label)' here")
                }
                continue
            }
            lineOf[key] = (lineNumber, label)
            byPath[key] = label
            let name = (file as NSString).lastPathComponent
            names[name, default: 0] += 1
            byName[name] = label
        }
        for (name, count) in names where count > 1 {
            byName[name] = nil
            ambiguousNames.insert(name)
        }
    }

    /// An absolute, standardised form of `path` (relative paths are taken from the working folder).
    static func key(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }

    /// The label of `path`, if known: by its path, else by its bare name when that names one entry only.
    public func label(for path: String) -> String? {
        if fromNames {
            let name = (path as NSString).lastPathComponent
            return name.first.flatMap { $0.isASCII && $0.isNumber ? String($0) : nil }
        }
        return byPath[Self.key(path)] ?? byName[(path as NSString).lastPathComponent]
    }
}
