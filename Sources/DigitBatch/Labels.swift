import Foundation

/// True labels: a digit per single-digit scan, or the string of digits of a page in reading order.
public struct Labels: Sendable {
    private var byPath = [String: String]()
    private var byName = [String: String]()
    public let fromNames: Bool

    /// Labels taken from the leading digit of each file name (7_anything.png).
    public init(fromNames: Bool) { self.fromNames = fromNames }

    /// Reads a CSV of file,label (a header line is allowed). Paths are taken as written, relative to the CSV's
    /// folder, and by file name alone.
    public init(csv path: String) throws {
        fromNames = false
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BatchError.labels(path: path, line: nil, reason: "cannot read labels")
        }
        let base = (path as NSString).deletingLastPathComponent
        for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let comma = line.lastIndex(of: ",") else { throw BatchError.labels(path: path, line: n + 1, reason: "expected file,label") }
            let file = line[..<comma].trimmingCharacters(in: CharacterSet(charactersIn: " \"")), label = line[line.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            if n == 0 && !label.allSatisfy({ $0.isNumber || $0 == "/" }) { continue }  // header
            // Digits in reading order; "/" between the lines of a page.
            guard !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "/") }),
                  label.first != "/", label.last != "/" else {
                throw BatchError.labels(path: path, line: n + 1, reason: "label '\(label)' is not a string of digits (lines separated by /)")
            }
            byPath[file] = label
            byPath[(base as NSString).appendingPathComponent(file)] = label
            byName[(file as NSString).lastPathComponent] = label
        }
    }

    /// The label of `path`, if known.
    public func label(for path: String) -> String? {
        if fromNames {
            let name = (path as NSString).lastPathComponent
            return name.first.flatMap { $0.isASCII && $0.isNumber ? String($0) : nil }
        }
        return byPath[path] ?? byPath[(path as NSString).standardizingPath] ?? byName[(path as NSString).lastPathComponent]
    }
}
