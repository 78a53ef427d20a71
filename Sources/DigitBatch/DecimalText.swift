import Foundation

/// Numbers as the result files print them, without Foundation's formatter where it is not needed: a run
/// writes a few of them for every digit, and `String(format:)` is most of the cost of a row.
enum DecimalText {
    /// `String(format: "%.4f", v)`, the same text, for any v: a v from 0 to 100,000 not within a millionth of a
    /// tie at the fourth decimal is rounded here (`v * 10_000` is off by at most 1e-7 there); the rest go to
    /// the formatter, which rounds the exact value.
    static func fourPlaces(_ v: Double) -> String {
        let scaled = v * 10_000
        guard v.sign == .plus, scaled < 1e9 else { return String(format: "%.4f", v) }  // -0 prints as -0.0000
        let whole = scaled.rounded(.down), fraction = scaled - whole
        guard abs(fraction - 0.5) > 1e-6 else { return String(format: "%.4f", v) }
        let n = UInt64(whole) + (fraction > 0.5 ? 1 : 0)
        let decimals = String(n % 10_000)
        return String(n / 10_000) + "." + String(repeating: "0", count: 4 - decimals.count) + decimals
    }
}
