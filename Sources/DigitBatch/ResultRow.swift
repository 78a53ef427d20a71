import DigitImage
import Foundation

/// What became of one digit, or of a file that gave none.
public enum ResultStatus: String, Sendable, CaseIterable {
    /// A digit read with enough confidence.
    case ok
    /// A digit read with less confidence than `--reject-below`: held for a person to check.
    case review
    /// A mark that is not a digit (a letter, a symbol, a stroke): kept with its box, left out of the reading.
    case notDigit = "not-digit"
    /// A file read without finding a digit.
    case noDigit = "no-digit"
    /// A file that could not be read.
    case error

    /// Whether rows of this status are digits.
    public var isDigit: Bool { self == .ok || self == .review }
    /// Whether rows of this status are marks on the page, with a box and a sample in samples-idx3-ubyte.
    public var isMark: Bool { isDigit || self == .notDigit }
}

/// One row of `predictions.csv` and `predictions.jsonl`: a digit, or a file without one. The writers encode
/// it and `merge` decodes it, so both sides agree on every column.
public struct ResultRow: Sendable, Equatable {
    public var file: String
    public var status: ResultStatus
    /// For digits: position in reading order, line, box, reading, confidence and the three likeliest classes.
    public var index: Int?
    public var line: Int?
    public var box: Box?
    public var predicted: Int?
    public var confidence: Double?
    public var top3: [Top] = []
    /// The true digit (digit rows) or the file's label (rows of files without digits).
    public var truth: String?
    /// Why a file gave no digit or could not be read.
    public var reason: String?

    /// A class and its probability.
    public struct Top: Sendable, Equatable {
        public var digit: Int
        public var p: Double
        public init(digit: Int, p: Double) { self.digit = digit; self.p = p }
    }

    public init(file: String, status: ResultStatus, index: Int? = nil, line: Int? = nil, box: Box? = nil,
                predicted: Int? = nil, confidence: Double? = nil, top3: [Top] = [], truth: String? = nil,
                reason: String? = nil) {
        self.file = file; self.status = status; self.index = index; self.line = line; self.box = box
        self.predicted = predicted; self.confidence = confidence; self.top3 = top3; self.truth = truth; self.reason = reason
    }

    /// Whether the reading matches the truth, when both are known.
    public var correct: Bool? {
        guard status.isDigit, let predicted, let truth = truth.flatMap({ Int($0) }) else { return nil }
        return truth == predicted
    }

    public static let csvColumns = ["file", "digit", "line", "x", "y", "width", "height", "predicted", "confidence",
                                    "top3", "status", "truth", "correct", "reason"]
    public static let csvHeader = csvColumns.joined(separator: ",") + "\n"

    /// The row's CSV fields, in `csvColumns` order (unquoted).
    public var csvFields: [String] {
        guard status.isMark else {
            return [file, "", "", "", "", "", "", "", "", "", status.rawValue, truth ?? "", "", reason ?? ""]
        }
        let b = box ?? Box(x: 0, y: 0, width: 0, height: 0)
        return [file, str(index), str(line), String(b.x), String(b.y), String(b.width), String(b.height), str(predicted),
                confidence.map(DecimalText.fourPlaces) ?? "",
                top3.map { "\($0.digit):" + DecimalText.fourPlaces($0.p) }.joined(separator: ";"), status.rawValue,
                truth ?? "", correct.map { $0 ? "true" : "false" } ?? "", ""]
    }

    /// The row as one CSV line, quoted where a field needs it.
    public var csvLine: String { CSV.line(csvFields) }

    /// The row as one JSON object (keys sorted), without the line break.
    public var jsonLine: Data {
        var o = JSONText()
        o.set("file", file)
        o.set("status", status.rawValue)
        switch status {
        case .error:
            o.set("reason", reason)
        case .noDigit:
            o.set("reason", reason)
            o.set("truth", truth)
        case .ok, .review, .notDigit:
            let b = box ?? Box(x: 0, y: 0, width: 0, height: 0)
            o.set("digit", index); o.set("line", line)
            o.set("x", b.x); o.set("y", b.y); o.set("width", b.width); o.set("height", b.height)
            o.set("predicted", predicted)
            o.set("confidence", probability: confidence)
            o.set("top3", json: "[" + top3.map { t in
                var e = JSONText()
                e.set("digit", t.digit); e.set("p", probability: t.p)
                return e.text
            }.joined(separator: ",") + "]")
            o.set("truth", truth.flatMap { Int($0) })
            o.set("correct", correct)
        }
        return Data(o.text.utf8)
    }

    /// Decodes a row from its CSV fields; nil when they are not a row of `predictions.csv`.
    public init?(csvFields f: [String]) {
        guard f.count >= Self.csvColumns.count, let status = ResultStatus(rawValue: f[10]) else { return nil }
        self.init(file: f[0], status: status, truth: f[11].isEmpty ? nil : f[11], reason: f[13].isEmpty ? nil : f[13])
        guard status.isMark else { return }
        guard let index = Int(f[1]), let confidence = Double(f[8]) else { return nil }
        let predicted = Int(f[7])
        guard predicted != nil || status == .notDigit else { return nil }
        self.index = index
        line = Int(f[2]) ?? 0
        box = Box(x: Int(f[3]) ?? 0, y: Int(f[4]) ?? 0, width: Int(f[5]) ?? 0, height: Int(f[6]) ?? 0)
        self.predicted = predicted
        self.confidence = confidence
        top3 = f[9].split(separator: ";").compactMap { part in
            let kv = part.split(separator: ":")
            guard kv.count == 2, let k = Int(kv[0]), let v = Double(kv[1]) else { return nil }
            return Top(digit: k, p: v)
        }
        reason = nil
    }
}

private func str(_ v: Int?) -> String { v.map(String.init) ?? "" }
