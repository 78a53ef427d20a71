import Foundation

/// One JSON object written as text, its keys in sorted order: a row of `predictions.jsonl` or a reading
/// printed as JSON. A page of a thousand digits writes a thousand rows; building each as a dictionary for
/// `JSONSerialization` cost more than reading its digit.
struct JSONText {
    private var members: [(key: String, value: String)] = []

    /// Sets `key` to a string; nil leaves the key out.
    mutating func set(_ key: String, _ value: String?) { value.map { add(key, Self.quoted($0)) } }
    /// Sets `key` to an integer; nil leaves the key out.
    mutating func set(_ key: String, _ value: Int?) { value.map { add(key, String($0)) } }
    /// Sets `key` to true or false; nil leaves the key out.
    mutating func set(_ key: String, _ value: Bool?) { value.map { add(key, $0 ? "true" : "false") } }
    /// Sets `key` to a probability rounded to four decimals (0.9905, 1, 0); nil leaves the key out.
    mutating func set(_ key: String, probability value: Double?) { value.map { add(key, Self.number($0)) } }
    /// Sets `key` to JSON text already written (an array, an object).
    mutating func set(_ key: String, json: String) { add(key, json) }

    private mutating func add(_ key: String, _ value: String) {
        members.removeAll { $0.key == key }
        members.append((key, value))
    }

    /// The object, keys sorted, without a line break.
    var text: String {
        "{" + members.sorted { $0.key < $1.key }.map { Self.quoted($0.key) + ":" + $0.value }.joined(separator: ",") + "}"
    }

    /// A number with at most four decimals and no trailing zeros.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        var s = DecimalText.fourPlaces(v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// A JSON string: quotes, backslashes and control characters escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
