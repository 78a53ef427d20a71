import DigitNet
import DigitVision
import Foundation

/// What was read in one file: its digits in reading order, lines separated by `/`, compared with its label.
/// One row of `readings.csv`.
public struct FileReading: Sendable, Equatable {
    public var file: String
    /// The digits, lines separated by "/"; empty when the file held none or could not be read.
    public var reading: String
    public var truth: String?
    /// ok, review (some digit held for review), no-digit or error.
    public var status: ResultStatus
    /// Digits read, and marks that are not digits.
    public var digits: Int, notDigits: Int
    /// The least confidence of its digits: the one to look at first.
    public var lowest: Double?

    public init(file: String, reading: String, truth: String?, status: ResultStatus, digits: Int, notDigits: Int,
                lowest: Double? = nil) {
        self.file = file; self.reading = reading; self.truth = truth; self.status = status
        self.digits = digits; self.notDigits = notDigits; self.lowest = lowest
    }

    /// Whether the reading is the label: line breaks count only when the label has them.
    public var exact: Bool? {
        guard let truth else { return nil }
        return truth.contains("/") ? reading == truth : reading.filter { $0 != "/" } == truth
    }

    public static let csvColumns = ["file", "reading", "truth", "exact", "digits", "not_digits", "status", "lowest_confidence"]
    public static let csvHeader = CSV.line(csvColumns)

    public var csvLine: String {
        CSV.line([file, reading, truth ?? "", exact.map { $0 ? "true" : "false" } ?? "", String(digits), String(notDigits),
                  status.rawValue, lowest.map(DecimalText.fourPlaces) ?? ""])
    }

    /// Decodes a row of readings.csv; nil when the fields are not one.
    public init?(csvFields f: [String]) {
        guard f.count >= Self.csvColumns.count, let status = ResultStatus(rawValue: f[6]), let d = Int(f[4]), let n = Int(f[5]) else { return nil }
        self.init(file: f[0], reading: f[1], truth: f[2].isEmpty ? nil : f[2], status: status, digits: d, notDigits: n,
                  lowest: Double(f[7]))
    }

    /// How a reading is shown on the terminal or handed to a script.
    public enum Format: String, CaseIterable, Sendable {
        /// `file: reading (status, lowest 0.97)`
        case text
        /// file, reading, status, lowest confidence, tab-separated
        case tsv
        /// one JSON object a line
        case jsonl
    }

    /// The reading as one line of `format`.
    public func line(_ format: Format) -> String {
        let low = lowest.map { String(format: "%.2f", $0) }
        switch format {
        case .text:
            let shown = reading.isEmpty ? (status == .error ? "(not read)" : "(no digit)") : reading
            return "\(file): \(shown) (\(status.rawValue)\(low.map { ", lowest " + $0 } ?? ""))"
        case .tsv:
            return [file, reading, status.rawValue, low ?? ""].joined(separator: "\t")
        case .jsonl:
            var o = JSONText()
            o.set("file", file); o.set("reading", reading); o.set("status", status.rawValue); o.set("digits", digits)
            o.set("lowest_confidence", probability: lowest)
            o.set("truth", truth)
            o.set("exact", exact)
            return o.text
        }
    }

    /// What each mark of a scan reads, in reading order: its likeliest digit, or nil for a mark that is no digit
    /// (`TextLines.noDigits`). `probabilities` holds a row of class probabilities per mark.
    public static func marks(of result: ScanResult, probabilities: [[Float]]) -> [(line: Int, digit: Int?)] {
        let others = TextLines.noDigits(result, probabilities: probabilities)
        return result.digits.indices.map { k in
            (result.digits[k].line, others[k] ? nil : probabilities[k].prefix(MarkClasses.digits).ranking[0])
        }
    }

    /// The reading of marks given in reading order: the digits, a "/" where the line changes.
    public static func reading(_ marks: [(line: Int, digit: Int?)]) -> String {
        var text = "", line: Int?
        for m in marks {
            guard let d = m.digit else { continue }
            if let line, m.line != line { text += "/" }
            line = m.line
            text += String(d)
        }
        return text
    }
}
