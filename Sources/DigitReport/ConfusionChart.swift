import Foundation

/// A confusion-matrix heatmap: rows are the true class, columns the predicted one; each cell shows its count.
/// The diagonal is shaded by its share of the row; errors have their own scale, so that even the largest
/// error cell of an accurate model stands out and every error shows. Per-class recall is printed at the right.
/// A model that reads pages adds columns for "no digit" and "several digits".
public struct ConfusionChart: Sendable {
    public var title: String
    /// counts[truth][prediction]
    public var counts: [[Int]]

    public init(title: String, counts: [[Int]]) { self.title = title; self.counts = counts }

    public var naturalWidth: Int { 760 }
    public var naturalHeight: Int { 720 }

    /// The tint of an error cell: at least 0.2 for any error, full for the largest.
    static func errorTint(_ count: Int, largest: Int) -> Double {
        count == 0 || largest == 0 ? 0 : 0.2 + 0.8 * (Double(count) / Double(largest)).squareRoot()
    }

    /// A column's name: the digit, or what a page model's extra classes mean.
    static func name(_ k: Int) -> String { k == 10 ? "none" : k == 11 ? "many" : String(k) }

    public func draw(on c: Canvas, x: Double, y: Double, w: Double, h: Double) {
        let n = counts.count
        // Rows for the true classes that have items (a page model's extra classes have none in a test set).
        let rows = (0..<n).filter { $0 < 10 || counts[$0].reduce(0, +) > 0 }.count
        var largestError = 0
        for i in 0..<n { for j in 0..<n where i != j { largestError = max(largestError, counts[i][j]) } }
        let s = min(w / Double(naturalWidth), h / Double(naturalHeight))
        c.text(title, x: x + w / 2, y: y + 30 * s, size: 18 * s, align: .center, bold: true)
        let left = x + 90 * s, top = y + 80 * s
        let cell = min((w - 190 * s) / Double(max(1, n)), (h - 140 * s) / Double(max(1, rows)))
        c.text("predicted", x: left + cell * Double(n) / 2, y: top - 30 * s, size: 14 * s, align: .center)
        c.text("true", x: x + 22 * s, y: top + cell * Double(rows) / 2, size: 14 * s, align: .center, rotated: true)
        c.text("recall", x: left + cell * Double(n) + 45 * s, y: top - 8 * s, size: 12 * s, align: .center)
        for j in 0..<n {
            c.text(Self.name(j), x: left + (Double(j) + 0.5) * cell, y: top - 8 * s, size: 13 * s, align: .center, bold: true)
        }
        for i in 0..<rows {
            c.text(String(i), x: left - 12 * s, y: top + (Double(i) + 0.5) * cell + 5 * s, size: 13 * s, align: .right, bold: true)
            let total = counts[i].reduce(0, +)
            for j in 0..<n {
                let share = total == 0 ? 0 : Double(counts[i][j]) / Double(total)
                // The diagonal in blue by its share of the row; errors in vermillion on their own scale.
                let base = i == j ? Palette.blue : Palette.vermillion
                let t = i == j ? share : Self.errorTint(counts[i][j], largest: largestError)
                let colour = Color(1 - (1 - base.r) * t, 1 - (1 - base.g) * t, 1 - (1 - base.b) * t)
                let cx = left + Double(j) * cell, cy = top + Double(i) * cell
                c.rect(cx, cy, cell, cell, fill: colour, stroke: .grid, lineWidth: 0.5 * s)
                if counts[i][j] > 0 {
                    c.text(String(counts[i][j]), x: cx + cell / 2, y: cy + cell / 2 + 4 * s, size: min(13 * s, cell / 3),
                           color: t > 0.55 ? .white : .text, align: .center)
                }
            }
            let recall = total == 0 ? 0 : Double(counts[i][i]) / Double(total)
            c.text(String(format: "%.1f%%", 100 * recall), x: left + cell * Double(n) + 45 * s,
                   y: top + (Double(i) + 0.5) * cell + 5 * s, size: 12 * s, align: .center)
        }
    }

    public func writePNG(to path: String) throws {
        try renderPNG(width: naturalWidth, height: naturalHeight, to: path) { draw(on: $0, x: 0, y: 0, w: $0.width, h: $0.height) }
    }
}
