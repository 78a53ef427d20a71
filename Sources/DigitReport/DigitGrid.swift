import DigitImage
import Foundation

/// How a digit's reading turned out; `notDigit` for a mark read as no digit at all.
public enum TileStatus: String, Sendable {
    case right, wrong, review, unknown, notDigit
}

/// One digit to show: its 28x28 sample, what was read, and how sure.
public struct DigitTile: Sendable {
    public var sample: GrayImage
    public var predicted: Int
    public var confidence: Double
    public var truth: Int?
    public var status: TileStatus
    /// The digit as it looks on the page (shown beside the sample in the misclassification grid).
    public var crop: GrayImage?
    /// Where it came from (file name, index), printed small.
    public var caption: String?

    public init(sample: GrayImage, predicted: Int, confidence: Double, truth: Int? = nil, status: TileStatus,
                crop: GrayImage? = nil, caption: String? = nil) {
        self.sample = sample; self.predicted = predicted; self.confidence = confidence; self.truth = truth
        self.status = status; self.crop = crop; self.caption = caption
    }

    var frameColor: Color {
        switch status {
        case .right: return Palette.right
        case .wrong: return Palette.wrong
        case .review: return Palette.review
        case .unknown: return Palette.blue
        case .notDigit: return Palette.notDigit
        }
    }

    /// What was read, as shown: the digit, or what a mark that is none was read as (classes 10 and 11 of a
    /// model that reads pages).
    var reading: String { predicted == 11 ? "several" : status == .notDigit || predicted == 10 ? "not digit" : String(predicted) }
}

/// A grid of digit thumbnails with what was read under each, framed green (right), red (wrong) or grey
/// (held for review). Large sets are split over pages of `perPage` rather than shrunk.
public struct DigitGrid: Sendable {
    public enum Kind: Sendable { case predictions, mistakes }

    public var title: String
    public var tiles: [DigitTile]
    public var kind: Kind
    public var columns: Int

    public init(title: String, tiles: [DigitTile], kind: Kind = .predictions, columns: Int? = nil) {
        self.title = title; self.tiles = tiles; self.kind = kind
        self.columns = columns ?? (kind == .mistakes ? 6 : 10)
    }

    /// Cell size in pixels at scale 1: the thumbnail, the reading and a caption line below it, clear of the
    /// next row.
    var cellWidth: Double { kind == .mistakes ? (tiles.contains { $0.crop != nil } ? 190 : 130) : 100 }
    var cellHeight: Double { 136 }
    /// Title and the colour legend.
    var header: Double { 72 }

    /// What the frame colours mean, as shown in the legend.
    static let legend: [(Color, String)] = [(Palette.right, "right"), (Palette.wrong, "wrong"), (Palette.review, "held for review"),
                                            (Palette.blue, "no label"), (Palette.notDigit, "not a digit")]

    /// A caption at most `limit` characters long: the end of it, elided with … at the front.
    static func elided(_ text: String, limit: Int) -> String {
        text.count <= limit ? text : "…" + String(text.suffix(limit - 1))
    }

    public var rows: Int { max(1, (tiles.count + columns - 1) / columns) }
    public var naturalWidth: Int { Int(Double(columns) * cellWidth + 20) }
    public var naturalHeight: Int { Int(header + Double(rows) * cellHeight + 10) }

    /// The mistakes, worst (most confidently wrong) first.
    public static func mistakes(_ tiles: [DigitTile]) -> [DigitTile] {
        tiles.filter { $0.status == .wrong }.sorted { $0.confidence > $1.confidence }
    }

    /// Splits into pages of at most `perPage` tiles.
    public func pages(perPage: Int) -> [DigitGrid] {
        guard tiles.count > perPage else { return [self] }
        let count = (tiles.count + perPage - 1) / perPage
        return (0..<count).map { k in
            var g = self
            g.tiles = Array(tiles[(k * perPage)..<min(tiles.count, (k + 1) * perPage)])
            g.title = "\(title) (page \(k + 1) of \(count))"
            return g
        }
    }

    public func draw(on c: Canvas, x: Double, y: Double, w: Double, h: Double) {
        let s = min(w / Double(naturalWidth), h / Double(naturalHeight))
        c.text(title, x: x + w / 2, y: y + 30 * s, size: 18 * s, align: .center, bold: true)
        var lx = x + 14 * s
        for (colour, meaning) in Self.legend {
            c.rect(lx, y + 46 * s, 12 * s, 12 * s, fill: colour)
            lx += 16 * s + c.text(meaning, x: lx + 16 * s, y: y + 56 * s, size: 11 * s, color: .axis) + 14 * s
        }
        if tiles.isEmpty {
            c.text(kind == .mistakes ? "No mistakes." : "No digits.", x: x + w / 2, y: y + 80 * s, size: 14 * s, align: .center)
            return
        }
        for (i, t) in tiles.enumerated() {
            let cx = x + 10 * s + Double(i % columns) * cellWidth * s, cy = y + header * s + Double(i / columns) * cellHeight * s
            let thumb = 84 * s
            c.rect(cx + 4 * s, cy + 2 * s, thumb + 8 * s, thumb + 8 * s, fill: t.frameColor)
            c.image(t.sample, x: cx + 8 * s, y: cy + 6 * s, w: thumb, h: thumb, smooth: false)
            if kind == .mistakes {
                if let crop = t.crop {
                    let side = thumb, aspect = Double(crop.width) / Double(max(1, crop.height))
                    let cw = aspect >= 1 ? side : side * aspect, ch = aspect >= 1 ? side / aspect : side
                    c.rect(cx + 100 * s, cy + 6 * s, side, side, stroke: .grid)
                    c.image(crop, x: cx + 100 * s + (side - cw) / 2, y: cy + 6 * s + (side - ch) / 2, w: cw, h: ch)
                }
                let truth = t.truth.map(String.init) ?? "?"
                c.text("\(truth) → \(t.reading) (\(String(format: "%.2f", t.confidence)))", x: cx + 8 * s,
                       y: cy + thumb + 26 * s, size: 13 * s, color: Palette.wrong, bold: true)
                if let caption = t.caption {
                    c.text(Self.elided(caption, limit: Int(cellWidth / 6)), x: cx + 8 * s, y: cy + thumb + 41 * s, size: 9 * s, color: .axis)
                }
            } else {
                let label = "\(t.reading)  \(String(format: "%.2f", t.confidence))"
                c.text(label, x: cx + 12 * s + thumb / 2, y: cy + thumb + 26 * s, size: 13 * s,
                       color: t.status == .wrong ? Palette.wrong : .text, align: .center, bold: t.status == .wrong)
                if let truth = t.truth, t.status == .wrong {
                    c.text("true \(truth)", x: cx + 12 * s + thumb / 2, y: cy + thumb + 40 * s, size: 10 * s, color: Palette.wrong, align: .center)
                } else if let caption = t.caption {
                    c.text(Self.elided(caption, limit: 17), x: cx + 12 * s + thumb / 2, y: cy + thumb + 40 * s, size: 9 * s,
                           color: .axis, align: .center)
                }
            }
        }
    }

    /// Writes the grid as PNG pages: `base`.png, then `base`-2.png, ... Returns the paths.
    @discardableResult
    public func writePNGs(directory: String, base: String, perPage: Int = 200) throws -> [String] {
        let writes = pngPages(directory: directory, base: base, perPage: perPage)
        // The pages at once, each on a core of its own (drawing is quick; encoding the PNG is most of a page).
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: writes.count) { k in
            do { try writes[k].write() } catch { failures.add(k, error) }
        }
        if let first = failures.first { throw first }
        return writes.map(\.path)
    }

    /// The PNG pages `writePNGs` writes, each a piece of work of its own, for callers that share them out
    /// among their own workers.
    public func pngPages(directory: String, base: String, perPage: Int = 200) -> [PageFile] {
        pages(perPage: perPage).enumerated().map { k, page in
            PageFile(path: directory + "/" + base + (k == 0 ? "" : "-\(k + 1)") + ".png", page: page)
        }
    }

    /// One page of a grid and the PNG file it goes to.
    public struct PageFile: Sendable {
        public let path: String
        let page: DigitGrid

        public func write() throws {
            try renderPNG(width: page.naturalWidth, height: page.naturalHeight, to: path) {
                page.draw(on: $0, x: 0, y: 0, w: $0.width, h: $0.height)
            }
        }
    }
}

/// The errors of work done concurrently, by index: the first in index order is the one reported.
public final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors = [(Int, any Error)]()

    public init() {}

    public func add(_ index: Int, _ error: any Error) { lock.lock(); errors.append((index, error)); lock.unlock() }

    public var first: (any Error)? { lock.lock(); defer { lock.unlock() }; return errors.min(by: { $0.0 < $1.0 })?.1 }
}
