import DigitImage

/// One digit found on a page: its box, the components it is made of, its line and position in reading order.
public struct DigitRegion: Sendable, Equatable {
    public var box: Box
    public var labels: [Int32]
    public var area: Int
    /// Line of text, 0-based from the top (the grid row on a form).
    public var line: Int
    /// Grid cell (row, column) on a form.
    public var cell: [Int]?
    /// A dot stands just above this narrow stroke or below this stroke: an i, a j, a ! or a ?, not a digit
    /// (no digit is dotted).
    public var dotted = false
}

/// Stage 5: from marks of ink to digits. Fragments of one digit are joined, specks, long lines and page
/// edges are rejected, each grid cell gives at most one digit, and digits come in reading order.
public enum Segmenter {
    public struct Outcome: Sendable {
        public var regions: [DigitRegion]
        /// Marks set aside as not digits (specks, lines, edges, ink outside a form's grid).
        public var rejected: Int
    }

    public static func regions(_ components: [Component], width: Int, height: Int, grid: Grid? = nil) -> Outcome {
        let minSide = max(2, Int(0.003 * Double(min(width, height))))
        let marks = components.filter { $0.area >= 4 && $0.maxSide >= minSide }
        var rejected = components.count - marks.count
        if let grid {
            let (regions, dropped) = cells(marks, grid: grid)
            return Outcome(regions: regions, rejected: rejected + dropped)
        }
        var groups = marks.map { DigitRegion(box: $0.box,
                                             labels: [$0.label], area: $0.area, line: 0, cell: nil) }
        groups = merged(groups)
        // The typical digit size: the median of the marks that are neither specks on the page nor tiny beside
        // the largest mark (which may itself be a shadow, so it only sets a low bar).
        let largest = groups.map(\.box.maxSide).max() ?? 0
        let floor = max(0.02 * Double(min(width, height)), 0.1 * Double(largest))
        // A digit's size is its longer side; a mark wider than tall may be a number written joined up, whose
        // digits are as tall as it is.
        func size(_ b: Box) -> Int { b.width > b.height ? b.height : b.maxSide }
        let sides = groups.map { size($0.box) }.filter { Double($0) >= floor }.sorted()
        guard !sides.isEmpty else { return Outcome(regions: [], rejected: rejected) }
        let reference = Double(sides[(sides.count - 1) / 2])
        let sized = groups.filter { Double(size($0.box)) >= 0.3 * reference }  // specks, dots, stray marks
        let kept = sized.filter { g in
            let side = Double(g.box.maxSide), thin = Double(min(g.box.width, g.box.height))
            let borders = [g.box.x <= 0, g.box.y <= 0, g.box.maxX >= width, g.box.maxY >= height].filter { $0 }.count
            let fill = Double(g.area) / Double(max(1, g.box.width * g.box.height))
            // Long lines: thin, or a slanted stroke filling little of its box (a number written small and
            // joined up is as long, but stands as tall as its digits and fills much of its box).
            if side > 1.5 * reference && side > 6 * thin && (thin <= 0.5 * reference || fill < 0.3) { return false }
            if borders > 0 && Double(size(g.box)) > 2 * reference { return false }  // page edges, shadows at the border
            // A dark page corner: solid or large. A digit of a tightly cropped number may touch two edges.
            if borders >= 2 && sized.count > 1 && (fill >= 0.6 || Double(size(g.box)) > 1.5 * reference) { return false }
            // A solid blot at the edge (a half disc fills 0.79 of its box; a bold digit cut close, 0.45–0.6).
            if borders > 0 && fill >= 0.65 && sized.count >= 3 { return false }
            if borders > 0 && side < 0.6 * reference && sized.count >= 3 { return false }  // a scrap cut by the edge
            return true
        }
        rejected += groups.count - kept.count
        let byLabel = Dictionary(marks.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        let marked = kept.map { g in
            var g = g
            g.dotted = isDotted(g, among: groups, kept: kept, components: byLabel)
            return g
        }
        return Outcome(regions: readingOrder(marked), rejected: rejected)
    }

    /// Whether mark `g` is an i, a j, a ! or a ?: its dot is a mark of its own among `groups` (a speck left
    /// out, or a mark kept, which is then no digit either: `g` is the dot of a stroke in `kept`), or one of
    /// its own components (`components`, by label) joined to the rest of it.
    static func isDotted(_ g: DigitRegion, among groups: [DigitRegion], kept: [DigitRegion], components: [Int32: Component]) -> Bool {
        if groups.contains(where: { $0.labels[0] != g.labels[0] && isDot($0.box, area: $0.area, over: g.box, strokeArea: g.area) })
            || kept.contains(where: { $0.labels[0] != g.labels[0] && isDot(g.box, area: g.area, over: $0.box, strokeArea: $0.area) }) {
            return true
        }
        let parts = g.labels.compactMap { components[$0] }
        guard parts.count >= 2 else { return false }
        return parts.indices.contains { k in
            let rest = parts.indices.filter { $0 != k }
            let box = rest.dropFirst().reduce(parts[rest[0]].box) { $0.union(parts[$1].box) }
            return isDot(parts[k].box, area: parts[k].area, over: box, strokeArea: rest.reduce(0) { $0 + parts[$1].area })
        }
    }

    /// Whether a mark in box `d` with `area` pixels of ink is the dot of an i or a j, a ! or a ? written as the
    /// stroke in box `g` (`strokeArea` pixels of ink): small but no thinner than the pen, solid, no more than
    /// three times as long as wide (a dot or a short dash), over the stroke's middle, a little above a stroke
    /// no wider than half its height (i, j; the body of a 5 whose bar came loose is wider) or below one no
    /// wider than tall (!, ?). A full stop after a digit sits on the digits' baseline beside them, not under
    /// one; a speck of grain is thinner than the pen.
    static func isDot(_ d: Box, area: Int, over g: Box, strokeArea: Int) -> Bool {
        let h = Double(g.height), w = Double(g.width)
        let side = Double(d.maxSide), pen = Double(strokeArea) / (h + w)
        guard w <= h, side >= 0.06 * h, side <= 0.5 * h, Double(min(d.width, d.height)) >= 0.8 * pen,
              d.width <= 3 * d.height, d.height <= 3 * d.width,
              Double(area) >= min(0.45 * Double(d.width * d.height), 0.5 * pen * side) else { return false }
        // Apart by a clear gap: a stroke broken where the ink is faint leaves a sliver close to the rest.
        let above = Double(g.y - d.maxY), below = Double(d.y - g.maxY), gap = (min: max(2, 0.06 * h), max: 0.75 * h)
        guard abs(d.centerX - g.centerX) <= max(w / 2, 0.15 * h) else { return false }
        if above >= gap.min && above <= gap.max && w <= 0.5 * h { return true }
        return below >= gap.min && below <= gap.max
    }

    /// Joins marks that belong to one digit: stacked with a small gap and overlapping horizontally (a 5's
    /// flag, a broken stroke), or one mostly inside the other (a 4 in two strokes). Pairs are joined first
    /// come, first served in the order (i, j), i < j: each join is the first such pair of the marks as they
    /// then are, so the result does not depend on how the search is done. After a join into mark m only the
    /// pairs with m have changed: those before it are tried first, then the search goes on from m, never
    /// again from the start (a page of text has thousands of marks).
    static func merged(_ input: [DigitRegion]) -> [DigitRegion] {
        var groups = input
        var i = 0
        while i < groups.count {
            var j = i + 1
            while j < groups.count {
                guard joins(groups[i].box, groups[j].box) else { j += 1; continue }
                join(&groups, j, into: i)
                // Every pair before (i, i + 1) that does not hold mark i was tried and failed; those with it
                // are tried again, the first that joins taking i into the earlier mark, and so on back.
                while let a = (0..<i).first(where: { joins(groups[$0].box, groups[i].box) }) {
                    join(&groups, i, into: a)
                    i = a
                }
                j = i + 1
            }
            i += 1
        }
        return groups
    }

    /// Mark `j` joined into mark `i` (i < j), keeping the order of the rest.
    private static func join(_ groups: inout [DigitRegion], _ j: Int, into i: Int) {
        groups[i] = DigitRegion(box: groups[i].box.union(groups[j].box), labels: groups[i].labels + groups[j].labels,
                                area: groups[i].area + groups[j].area, line: 0, cell: nil)
        groups.remove(at: j)
    }

    /// Whether marks in boxes `a` and `b` are pieces of one digit.
    static func joins(_ a: Box, _ b: Box) -> Bool {
        let overlapX = min(a.maxX, b.maxX) - max(a.x, b.x)
        let overlapY = min(a.maxY, b.maxY) - max(a.y, b.y)
        let gapY = -overlapY
        let tall = Double(max(a.height, b.height))
        // Apart by more than a tenth of the taller one's height: no rule below joins them.
        if Double(-overlapX) > 0.1 * tall { return false }
        let u = a.union(b)
        let stacked = Double(overlapX) >= 0.5 * Double(min(a.width, b.width)) && Double(gapY) <= 0.3 * tall
            && Double(u.height) <= 1.6 * tall && Double(u.width) <= 1.8 * Double(a.height >= b.height ? a.width : b.width)
        let inside = overlapX > 0 && overlapY > 0
            && Double(overlapX * overlapY) >= 0.6 * Double(min(a.width * a.height, b.width * b.height))
        // Pieces close together whose union is still shaped like one digit (a 6 whose loop does not
        // touch its stem): digits are taller than wide, two digits side by side are not.
        let gapX = max(0, -overlapX), close = Double(max(gapX, gapY)) <= 0.1 * tall
        let digitShaped = Double(u.width) <= 0.85 * Double(u.height) && Double(u.height) <= 1.3 * tall
        // Overlapping side by side, no wider together than tall: the halves of a 0 whose pen lifted.
        let halves = overlapX > 0 && Double(overlapY) > 0.5 * Double(min(a.height, b.height))
            && Double(u.width) <= 1.05 * Double(u.height)
        return stacked || inside || (close && digitShaped) || halves
    }

    /// Lines top to bottom (a digit joins a line when its centre is level with the line's), each left to right.
    /// A line's level is its marks' centres weighted by their heights: a dot, a dash or a broken-off stroke
    /// above or below the digits does not move it.
    static func readingOrder(_ regions: [DigitRegion]) -> [DigitRegion] {
        var lines = [[DigitRegion]]()
        // The open line's sums: centres times heights, heights (whole and as Double), so that a mark is
        // weighed against the line in constant time.
        var centres = 0.0, heights = 0, height = 0.0
        for r in regions.sorted(by: { $0.box.centerY < $1.box.centerY }) {
            if let last = lines.last {
                let meanY = centres / Double(max(1, heights)), meanH = height / Double(last.count)
                if abs(r.box.centerY - meanY) < 0.55 * max(meanH, Double(r.box.height)) {
                    lines[lines.count - 1].append(r)
                    centres += r.box.centerY * Double(r.box.height); heights += r.box.height; height += Double(r.box.height)
                    continue
                }
            }
            lines.append([r])
            centres = r.box.centerY * Double(r.box.height); heights = r.box.height; height = Double(r.box.height)
        }
        var out = [DigitRegion]()
        for (index, line) in lines.enumerated() {
            for var r in line.sorted(by: { $0.box.centerX < $1.box.centerX }) {
                r.line = index
                out.append(r)
            }
        }
        return out
    }

    /// A thin mark lying along a cell's border: what is left of a grid line, not part of a digit.
    static func isRulingRemnant(_ m: Component, grid: Grid, row r: Int, column c: Int) -> Bool {
        let x0 = Double(grid.columns[c]), x1 = Double(grid.columns[c + 1])
        let y0 = Double(grid.rows[r]), y1 = Double(grid.rows[r + 1])
        let size = min(x1 - x0, y1 - y0)
        let w = Double(m.width), h = Double(m.height)
        let nearVertical = min(m.cx - x0, x1 - m.cx) < 0.15 * size
        let nearHorizontal = min(m.cy - y0, y1 - m.cy) < 0.15 * size
        return (nearVertical && w <= 0.08 * size && h >= 2 * w) || (nearHorizontal && h <= 0.08 * size && w >= 2 * h)
    }

    /// On a form: the marks in each cell make one digit; cells with only a trace of ink are empty.
    static func cells(_ marks: [Component], grid: Grid) -> ([DigitRegion], Int) {
        var byCell = [[Int]: DigitRegion]()
        var dropped = 0
        for m in marks {
            guard let (r, c) = grid.cell(x: m.cx, y: m.cy) else { dropped += 1; continue }
            if isRulingRemnant(m, grid: grid, row: r, column: c) { dropped += 1; continue }
            let box = m.box
            if var g = byCell[[r, c]] {
                g.box = g.box.union(box); g.labels.append(m.label); g.area += m.area
                byCell[[r, c]] = g
            } else {
                byCell[[r, c]] = DigitRegion(box: box, labels: [m.label], area: m.area, line: r, cell: [r, c])
            }
        }
        var out = [DigitRegion]()
        for (key, g) in byCell {
            let cellW = Double(grid.columns[key[1] + 1] - grid.columns[key[1]])
            let cellH = Double(grid.rows[key[0] + 1] - grid.rows[key[0]])
            // A digit spans a good part of its cell; dust and leftovers of the ruling do not.
            if Double(g.box.maxSide) < 0.2 * min(cellW, cellH) || Double(g.area) < 0.003 * cellW * cellH {
                dropped += g.labels.count
                continue
            }
            out.append(g)
        }
        out.sort { ($0.cell![0], $0.cell![1]) < ($1.cell![0], $1.cell![1]) }
        return (out, dropped)
    }
}
