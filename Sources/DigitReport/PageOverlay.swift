import DigitImage
import Foundation

/// A digit found on a page, for drawing over the scan.
public struct PageMark: Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public var predicted: Int
    public var confidence: Double
    public var status: TileStatus

    public init(x: Int, y: Int, width: Int, height: Int, predicted: Int, confidence: Double, status: TileStatus) {
        self.x = x; self.y = y; self.width = width; self.height = height
        self.predicted = predicted; self.confidence = confidence; self.status = status
    }
}

/// The original scan with a box around each digit found and what was read beside it.
public struct PageOverlay: Sendable {
    public var page: GrayImage
    public var marks: [PageMark]
    public var title: String

    public init(page: GrayImage, marks: [PageMark], title: String) { self.page = page; self.marks = marks; self.title = title }

    /// The page is drawn at most this wide.
    public var naturalWidth: Int { min(1600, max(400, page.width)) }
    public var scale: Double { Double(naturalWidth) / Double(max(1, page.width)) }
    public var naturalHeight: Int { Int(Double(page.height) * scale) + 40 }

    public func draw(on c: Canvas, x: Double, y: Double, w: Double, h: Double) {
        let k = min(w / Double(naturalWidth), h / Double(naturalHeight))
        let s = scale * k
        c.text(title, x: x + 8 * k, y: y + 26 * k, size: 16 * k, bold: true)
        let top = y + 40 * k
        c.image(page, x: x, y: top, w: Double(page.width) * s, h: Double(page.height) * s)
        // Labels scale with the digits, within readable bounds.
        let typical = marks.map { Double($0.height) * s }.sorted()
        let size = max(9 * k, min(28 * k, (typical.isEmpty ? 20 : typical[typical.count / 2]) * 0.35))
        for m in marks where m.status == .notDigit {
            // Marks that are not digits: a thin dashed frame, no label.
            let bx = x + Double(m.x) * s, by = top + Double(m.y) * s, bw = Double(m.width) * s, bh = Double(m.height) * s
            let width = max(1, size / 12), dash = [max(2, size / 4), max(2, size / 4)]
            c.line(bx, by, bx + bw, by, color: Palette.notDigit, width: width, dash: dash)
            c.line(bx, by + bh, bx + bw, by + bh, color: Palette.notDigit, width: width, dash: dash)
            c.line(bx, by, bx, by + bh, color: Palette.notDigit, width: width, dash: dash)
            c.line(bx + bw, by, bx + bw, by + bh, color: Palette.notDigit, width: width, dash: dash)
        }
        for m in marks where m.status != .notDigit {
            let colour: Color = m.status == .right ? Palette.right : m.status == .wrong ? Palette.wrong
                : m.status == .review ? Palette.review : Palette.blue
            let bx = x + Double(m.x) * s, by = top + Double(m.y) * s
            c.rect(bx, by, Double(m.width) * s, Double(m.height) * s, stroke: colour, lineWidth: max(1.5, size / 8))
            let label = "\(m.predicted) \(String(format: "%.2f", m.confidence))"
            let tw = c.textWidth(label, size: size, bold: true)
            c.rect(bx, by - size * 1.25, tw + 6, size * 1.25, fill: colour)
            c.text(label, x: bx + 3, y: by - size * 0.28, size: size, color: .white, bold: true)
        }
    }

    public func writePNG(to path: String) throws {
        try renderPNG(width: naturalWidth, height: naturalHeight, to: path) { draw(on: $0, x: 0, y: 0, w: $0.width, h: $0.height) }
    }
}
