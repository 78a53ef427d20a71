import DigitImage
import DigitShim

/// A printed grid: the positions of its horizontal and vertical lines, in image pixels.
public struct Grid: Sendable, Equatable {
    public var rows: [Int]
    public var columns: [Int]

    /// The cell (row, column) holding point (x, y), or nil outside the grid.
    public func cell(x: Double, y: Double) -> (row: Int, column: Int)? {
        guard let r = rows.indices.dropLast().first(where: { Double(rows[$0]) <= y && y < Double(rows[$0 + 1]) }),
              let c = columns.indices.dropLast().first(where: { Double(columns[$0]) <= x && x < Double(columns[$0 + 1]) })
        else { return nil }
        return (r, c)
    }
}

/// Stage 4: ruled lines and printed grids found in the ink, to be removed before segmentation.
public struct RuledLines: Sendable {
    /// Non-zero on line pixels (slightly widened), same size as the binary image.
    public var mask: GrayImage
    public var horizontalCount: Int
    public var verticalCount: Int
    /// Present when there are at least three lines each way.
    public var grid: Grid?

    /// Finds long thin straight lines: at least `fraction` of the image's smaller side long and 25 times
    /// longer than thick. Such strokes are ruling only when two of them run side by side, apart but much
    /// longer than their distance (see `isRuling`); otherwise they are kept as ink (a 1, a 2's base, a 7's bar).
    public static func find(in binary: GrayImage, fraction: Double = 0.12) throws -> RuledLines {
        // A quick look at no more than 500 pixels a side first: most scans have no ruling, and then the
        // precise search at up to 1500 pixels is not needed.
        if max(binary.width, binary.height) > 600 {
            let quick = try find(in: binary, fraction: fraction, workingSide: 500)
            if quick.horizontalCount + quick.verticalCount == 0 { return quick }
        }
        return try find(in: binary, fraction: fraction, workingSide: 1500)
    }

    static func find(in binary: GrayImage, fraction: Double, workingSide: Double) throws -> RuledLines {
        let scale = min(1, workingSide / Double(max(binary.width, binary.height)))
        var small = binary
        if scale < 1 {
            small = try binary.resized(width: max(1, Int(Double(binary.width) * scale)),
                                       height: max(1, Int(Double(binary.height) * scale)))
            small.pixels = small.pixels.map { $0 > 64 ? 255 : 0 }
        }
        let minLength = max(8, Int(Double(min(small.width, small.height)) * fraction))
        // Morphology with long kernels costs; skip it when no row or column holds a run of ink that long.
        guard hasLongRun(small, minLength) else {
            return RuledLines(mask: GrayImage(width: binary.width, height: binary.height, value: 0), horizontalCount: 0,
                              verticalCount: 0, grid: nil)
        }
        var horizontal = [UInt8](repeating: 0, count: small.pixels.count)
        var vertical = horizontal
        var err = ds_error()
        let code = small.withView { v in
            horizontal.withUnsafeMutableBufferPointer { h in
                vertical.withUnsafeMutableBufferPointer { ds_find_lines(v, Int32(minLength), h.baseAddress, $0.baseAddress, &err) }
            }
        }
        try ScanError.check(code, err)
        let hImage = GrayImage(width: small.width, height: small.height, pixels: horizontal)
        let vImage = GrayImage(width: small.width, height: small.height, pixels: vertical)
        let hs = try Components.find(in: hImage).components.filter { $0.width >= minLength && $0.height * 25 <= $0.width }
        let vs = try Components.find(in: vImage).components.filter { $0.height >= minLength && $0.width * 25 <= $0.height }
        let minSide = min(small.width, small.height)
        // A grid's lines can be short (cut into cell-long pieces); lines both ways, spread out and meeting,
        // are a grid. (The straight strokes of digits drawn with a thin pen, a 1 and the bars of a 5, are
        // lines both ways too, but they do not meet.)
        let crossing = spread(hs, vertical: false, minSide: minSide) && spread(vs, vertical: true, minSide: minSide)
            && meet(hs, vs, within: max(2, 0.01 * Double(minSide)))
        let keepH = crossing || isRuling(hs, vertical: false, minSide: minSide) ? hs : []
        let keepV = crossing || isRuling(vs, vertical: true, minSide: minSide) ? vs : []
        var maskSmall = GrayImage(width: small.width, height: small.height, value: 0)
        for (segments, image) in [(keepH, hImage), (keepV, vImage)] {
            for s in segments {
                // Widen by one pixel each way so that anti-aliased line edges go too.
                for y in max(0, s.y - 1)..<min(small.height, s.y + s.height + 1) {
                    for x in max(0, s.x - 1)..<min(small.width, s.x + s.width + 1) {
                        let yy = min(max(y, s.y), s.y + s.height - 1), xx = min(max(x, s.x), s.x + s.width - 1)
                        if image[xx, yy] != 0 || image[min(small.width - 1, xx + 1), yy] != 0 || image[xx, min(small.height - 1, yy + 1)] != 0 {
                            maskSmall[x, y] = 255
                        }
                    }
                }
            }
        }
        // Back at full size the mask's edges are interpolated: any value above zero is line.
        let mask = scale < 1 ? try maskSmall.resized(width: binary.width, height: binary.height) : maskSmall
        func positions(_ segs: [Component], vertical: Bool) -> [Int] {
            // Pieces of one line (a grid line cut at every crossing) share a position: positions closer
            // than 0.3 of the typical spacing between distinct lines are one line. The spacing is taken over
            // gaps of at least 1 % of the page's side (a dense form has rows under 3 % apart).
            let ps = segs.map { Int((vertical ? $0.cx : $0.cy) / scale) }.sorted()
            guard let first = ps.first else { return [] }
            let minGap = 0.01 * Double(minSide) / scale
            let gaps = zip(ps.dropFirst(), ps).map { Double($0 - $1) }.filter { $0 >= minGap }.sorted()
            let tolerance = gaps.isEmpty ? minGap : 0.3 * gaps[gaps.count / 2]
            var merged = [first]
            for p in ps.dropFirst() where Double(p - merged.last!) >= tolerance { merged.append(p) }
            return merged
        }
        let rows = positions(keepH, vertical: false), columns = positions(keepV, vertical: true)
        let grid = rows.count >= 3 && columns.count >= 3 ? Grid(rows: rows, columns: columns) : nil
        return RuledLines(mask: mask, horizontalCount: keepH.count, verticalCount: keepV.count, grid: grid)
    }

    /// True when two of the lines are ruling: parallel, at least 3 % of the page's smaller side apart (two
    /// edges of one pen stroke are closer), and running side by side for at least three times that distance.
    /// Ruled paper and grids pass easily (lines span many spacings); two 1s or a 7 over a 2 do not.
    static func isRuling(_ lines: [Component], vertical: Bool, minSide: Int) -> Bool {
        pairs(lines, vertical: vertical, minSide: minSide) { gap, overlap in overlap >= 3 * gap }
    }

    /// True when a horizontal line and a vertical one cross or meet (one ends within `tolerance` of the other).
    static func meet(_ horizontal: [Component], _ vertical: [Component], within tolerance: Double) -> Bool {
        horizontal.contains { h in
            vertical.contains { v in
                v.cx >= Double(h.x) - tolerance && v.cx <= Double(h.x + h.width) + tolerance
                    && h.cy >= Double(v.y) - tolerance && h.cy <= Double(v.y + v.height) + tolerance
            }
        }
    }

    /// True when two of the lines lie apart (at least 3 % of the page's smaller side).
    static func spread(_ lines: [Component], vertical: Bool, minSide: Int) -> Bool {
        pairs(lines, vertical: vertical, minSide: minSide) { _, _ in true }
    }

    /// Whether some pair of lines at least 3 % of the smaller side apart meets `test(gap, overlap)`, where
    /// overlap is how far they run side by side.
    private static func pairs(_ lines: [Component], vertical: Bool, minSide: Int,
                              _ test: (Double, Double) -> Bool) -> Bool {
        let minGap = 0.03 * Double(minSide)
        for (i, a) in lines.enumerated() {
            for b in lines[(i + 1)...] {
                let gap = vertical ? abs(a.cx - b.cx) : abs(a.cy - b.cy)
                let overlap = vertical ? min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
                                       : min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
                if gap >= minGap && test(gap, Double(overlap)) { return true }
            }
        }
        return false
    }

    /// True when some row or column has `length` ink pixels in a row (gaps of up to 2 pixels bridged).
    static func hasLongRun(_ b: GrayImage, _ length: Int) -> Bool {
        // Rows and columns in one pass over the rows, the columns' runs kept per column (cache friendly).
        var columnRun = [Int](repeating: 0, count: b.width), columnGap = columnRun
        return b.pixels.withUnsafeBufferPointer { p in
            columnRun.withUnsafeMutableBufferPointer { cr in
                columnGap.withUnsafeMutableBufferPointer { cg in
                    for y in 0..<b.height {
                        let row = p.baseAddress! + y * b.width
                        var run = 0, gap = 0
                        var x = 0
                        while x < b.width {
                            // Eight pixels of paper under columns with no run going change nothing but
                            // ending this row's run: passed over at once.
                            if x + 8 <= b.width, UnsafeRawPointer(row + x).loadUnaligned(as: UInt64.self) == 0,
                               cr[x] | cr[x + 1] | cr[x + 2] | cr[x + 3] | cr[x + 4] | cr[x + 5] | cr[x + 6] | cr[x + 7] == 0 {
                                run = 0; gap = 0; x += 8
                                continue
                            }
                            defer { x += 1 }
                            if row[x] != 0 {
                                run += 1 + gap; gap = 0
                                cr[x] += 1 + cg[x]; cg[x] = 0
                                if run >= length || cr[x] >= length { return true }
                            } else {
                                if run > 0 { gap += 1; if gap > 2 { run = 0; gap = 0 } }
                                if cr[x] > 0 { cg[x] += 1; if cg[x] > 2 { cr[x] = 0; cg[x] = 0 } }
                            }
                        }
                    }
                    return false
                }
            }
        }
    }

    /// The binary image with the line pixels cleared.
    public func removed(from binary: GrayImage) -> GrayImage {
        var out = binary
        cover(&out, with: 0)
        return out
    }

    /// Sets the line pixels of `image` (same size as the mask) to `value`: 0 to clear them from ink, 255 to
    /// turn them into paper.
    public func cover(_ image: inout GrayImage, with value: UInt8) {
        mask.pixels.withUnsafeBufferPointer { m in
            image.pixels.withUnsafeMutableBufferPointer { p in
                for i in 0..<min(m.count, p.count) where m[i] != 0 { p[i] = value }
            }
        }
    }
}
