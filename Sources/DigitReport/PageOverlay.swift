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
    /// The page encoded as JPEG, embedded in PDFs in place of its pixels (nil: embedded losslessly).
    public var jpeg: [UInt8]?

    public init(page: GrayImage, marks: [PageMark], title: String, jpeg: [UInt8]? = nil) {
        self.page = page; self.marks = marks; self.title = title; self.jpeg = jpeg
    }

    /// The page is drawn at most this wide.
    public var naturalWidth: Int { min(1600, max(400, page.width)) }
    public var scale: Double { Double(naturalWidth) / Double(max(1, page.width)) }
    public var naturalHeight: Int { Int(Double(page.height) * scale) + 40 }

    public func draw(on c: Canvas, x: Double, y: Double, w: Double, h: Double) {
        let k = min(w / Double(naturalWidth), h / Double(naturalHeight))
        let s = scale * k
        // A long reading is cut to the width, with …: the whole of it is in readings.csv.
        var shown = title
        while shown.count > 8 && c.textWidth(shown, size: 16 * k, bold: true) > w - 16 * k { shown = String(shown.dropLast(4)) + "…" }
        c.text(shown, x: x + 8 * k, y: y + 26 * k, size: 16 * k, bold: true)
        let top = y + 40 * k
        c.image(page, x: x, y: top, w: Double(page.width) * s, h: Double(page.height) * s, jpeg: jpeg)
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
        let digits = marks.filter { $0.status != .notDigit }
        let labels = digits.map { "\($0.predicted) \(String(format: "%.2f", $0.confidence))" }
        let boxes = digits.map { m in Rect(x: x + Double(m.x) * s, y: top + Double(m.y) * s, w: Double(m.width) * s, h: Double(m.height) * s) }
        let places = Self.labelPlaces(boxes: boxes, sizes: labels.map { (c.textWidth($0, size: size, bold: true) + 6, size * 1.25) })
        for (i, m) in digits.enumerated() {
            let colour: Color = m.status == .right ? Palette.right : m.status == .wrong ? Palette.wrong
                : m.status == .review ? Palette.review : Palette.blue
            c.rect(boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h, stroke: colour, lineWidth: max(1.5, size / 8))
            guard let p = places[i] else { continue }  // no room: the frame's colour and readings.csv tell
            c.rect(p.x, p.y, p.w, p.h, fill: colour)
            c.text(labels[i], x: p.x + 3, y: p.y + p.h - size * 0.28, size: size, color: .white, bold: true)
        }
    }

    public func writePNG(to path: String) throws {
        try renderPNG(width: naturalWidth, height: naturalHeight, to: path) { draw(on: $0, x: 0, y: 0, w: $0.width, h: $0.height) }
    }
}

/// A rectangle in drawing units.
struct Rect: Equatable {
    var x: Double, y: Double, w: Double, h: Double

    func overlaps(_ o: Rect) -> Bool { x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h }
}

extension PageOverlay {
    /// Where each mark's label goes: above its box, else below it (from its left edge, then ending at its right
    /// edge), else inside its top edge — the first place
    /// that covers no other label and no other mark's box; nil when there is none (a page of hundreds of small
    /// cells keeps its frames readable instead of becoming a carpet of labels).
    static func labelPlaces(boxes: [Rect], sizes: [(Double, Double)]) -> [Rect?] {
        var placed = [Rect]()
        var out = [Rect?]()
        for (i, b) in boxes.enumerated() {
            let (w, h) = sizes[i]
            let candidates = [Rect(x: b.x, y: b.y - h, w: w, h: h), Rect(x: b.x, y: b.y + b.h, w: w, h: h),
                              Rect(x: b.x + b.w - w, y: b.y - h, w: w, h: h), Rect(x: b.x + b.w - w, y: b.y + b.h, w: w, h: h),
                              Rect(x: b.x, y: b.y, w: w, h: h)]
            let free = candidates.first { r in
                !placed.contains { $0.overlaps(r) }
                    && !boxes.enumerated().contains { j, other in j != i && other.overlaps(r) }
            }
            if let free { placed.append(free) }
            out.append(free)
        }
        return out
    }
}
