import Foundation

/// One named series of (x, y) points; non-finite y values are skipped, breaking the line.
public struct Series: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    public var color: Color
    public var dashed: Bool

    public init(name: String, points: [(x: Double, y: Double)], color: Color, dashed: Bool = false) {
        self.name = name; self.points = points; self.color = color; self.dashed = dashed
    }
}

/// A line chart with title, axis labels, ticks, grid lines and legend.
public struct LineChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Use a logarithmic y axis when the data span more than a decade (and are all positive).
    public var logarithmicWhenWide = false
    /// Format y tick labels as percentages (values are fractions).
    public var percent = false

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    var ys: [Double] { series.flatMap { $0.points.map(\.y) }.filter(\.isFinite) }

    /// True when the y axis will be logarithmic.
    public var isLogarithmic: Bool {
        let positive = ys.filter { $0 > 0 }
        guard logarithmicWhenWide, positive.count == ys.count, let lo = positive.min(), let hi = positive.max() else { return false }
        return hi / lo > 10
    }

    /// Draws into the rectangle (x, y, w, h) of a canvas.
    public func draw(on c: Canvas, x: Double, y: Double, w: Double, h: Double) {
        let s = min(w, h) / 400  // scale of text and lines with the chart's size
        // The legend stands to the right of the plot, never on the curves.
        let widest = series.map { c.textWidth($0.name, size: 12 * s) }.max() ?? 0
        let legendWidth = series.isEmpty ? 0 : widest + 50 * s
        let left = x + 70 * s, right = x + w - 20 * s - legendWidth, top = y + 45 * s, bottom = y + h - 55 * s
        c.text(title, x: x + w / 2, y: y + 28 * s, size: 17 * s, align: .center, bold: true)
        let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let xAxis = Axis(covering: xs.isEmpty ? [0, 1] : xs, maxTicks: 10)
        let yAxis = Axis(covering: ys.isEmpty ? [0, 1] : ys, logarithmic: isLogarithmic, maxTicks: 7)
        func px(_ v: Double) -> Double { left + xAxis.fraction(v) * (right - left) }
        func py(_ v: Double) -> Double { bottom - yAxis.fraction(v) * (bottom - top) }
        for t in yAxis.ticks {
            c.line(left, py(t), right, py(t), color: .grid, width: 1 * s)
            let label = percent ? String(format: "%g%%", (t * 100 * 1000).rounded() / 1000) : yAxis.label(t)
            c.text(label, x: left - 6 * s, y: py(t) + 4 * s, size: 11 * s, color: .axis, align: .right)
        }
        // Integer x ticks only (epochs), thinned to at most about ten.
        for t in xAxis.ticks where t == t.rounded() {
            c.line(px(t), top, px(t), bottom, color: .grid, width: 1 * s)
            c.text(xAxis.label(t), x: px(t), y: bottom + 17 * s, size: 11 * s, color: .axis, align: .center)
        }
        c.rect(left, top, right - left, bottom - top, stroke: .axis, lineWidth: 1 * s)
        c.text(xLabel, x: (left + right) / 2, y: y + h - 14 * s, size: 13 * s, align: .center)
        c.text(yLabel + (yAxis.logarithmic ? " (log scale)" : ""), x: x + 18 * s, y: (top + bottom) / 2, size: 13 * s,
               align: .center, rotated: true)
        for line in series {
            let points: [(Double, Double)?] = line.points.map { p in
                guard p.x.isFinite, p.y.isFinite, !yAxis.logarithmic || p.y > 0 else { return nil }
                return (px(p.x), py(p.y))
            }
            c.polyline(points, color: line.color, width: 2.5 * s, dash: line.dashed ? [7 * s, 5 * s] : [])
            if line.points.count <= 60 {
                for case let (px, py)? in points { c.circle(px, py, radius: 3 * s, color: line.color) }
            }
        }
        // Legend, right of the plot, level with its top.
        var ly = top + 12 * s
        let lx = right + 16 * s
        for line in series {
            c.line(lx, ly - 4 * s, lx + 24 * s, ly - 4 * s, color: line.color, width: 3 * s, dash: line.dashed ? [6 * s, 4 * s] : [])
            c.text(line.name, x: lx + 30 * s, y: ly, size: 12 * s)
            ly += 18 * s
        }
    }

    /// Renders to a PNG file.
    public func writePNG(to path: String, width: Int = 900, height: Int = 600) throws {
        try renderPNG(width: width, height: height, to: path) { draw(on: $0, x: 0, y: 0, w: $0.width, h: $0.height) }
    }
}
