import Foundation

/// A numeric axis: its range, whether it is logarithmic, and tick positions at "nice" values (1, 2, 5 × 10ⁿ).
public struct Axis: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public var logarithmic: Bool
    public var ticks: [Double]

    /// An axis covering `values` (non-finite ones ignored); logarithmic when asked and all values are positive.
    public init(covering values: [Double], logarithmic wantLog: Bool = false, maxTicks: Int = 8, includeZero: Bool = false) {
        var finite = values.filter(\.isFinite)
        if wantLog { finite = finite.filter { $0 > 0 } }
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if includeZero && !wantLog { lo = min(lo, 0) }
        logarithmic = wantLog && !finite.isEmpty
        if logarithmic {
            let a = floor(log10(lo)), b = ceil(log10(hi))
            low = pow(10, a); high = pow(10, max(b, a + 1))
            ticks = stride(from: a, through: max(b, a + 1), by: 1).map { pow(10, $0) }
            return
        }
        if hi - lo < 1e-12 { lo -= 0.5; hi += 0.5 }
        let step = Axis.niceStep((hi - lo) / Double(max(1, maxTicks - 1)))
        low = floor(lo / step) * step
        high = ceil(hi / step) * step
        let count = Int(((high - low) / step).rounded()), start = low
        // Printed and read back at 12 digits, so 3 × 0.2 is 0.6 and not 0.6000000000000001.
        ticks = (0...count).map { Double(String(format: "%.12g", start + Double($0) * step)) ?? 0 }
    }

    /// The smallest of 1, 2, 5 × 10ⁿ at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let e = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * e >= raw * (1 - 1e-9) { return m * e }
        return 10 * e
    }

    /// Position in [0, 1] of `v` along the axis.
    public func fraction(_ v: Double) -> Double {
        logarithmic ? (log10(v) - log10(low)) / (log10(high) - log10(low)) : (v - low) / (high - low)
    }

    /// A tick's label: as few decimals as the step needs.
    public func label(_ v: Double) -> String {
        if logarithmic { return v >= 1 ? String(format: "%g", v) : String(format: "%g", v) }
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let decimals = max(0, Int(ceil(-log10(step))))
        return String(format: "%.\(decimals)f", v)
    }
}
