import DigitImage

/// Stage 1b: a sheet of paper photographed on a darker surface (a desk, a table). The surface can take half
/// the picture or more, and then it decides which way round the ink is and what "paper" looks like: the sheet
/// was read as ink. So the sheet is found first, as a large, solid bright region that leaves a dark surround
/// along the image's borders, and the surround is painted the sheet's own gray. The stages after see one
/// sheet, at the same coordinates.
public enum Paper {
    /// The image with whatever surrounds a sheet of paper painted the paper's gray; the image itself when no
    /// such sheet is found (paper filling the picture, a blackboard, a drawing, MNIST).
    public static func isolated(_ image: GrayImage) throws -> GrayImage { try isolated(image, halved: nil).image }

    /// `isolated`, and the 200-pixel copy it judged by with its gray-level counts (`Lighting.histogram`) when
    /// the image is returned as it was (the pipeline's glance is the same copy). `halved` is the image
    /// `shrunk(by: 2)`, when the caller has it.
    static func isolated(_ image: GrayImage, halved: GrayImage?) throws -> (image: GrayImage, glance: (GrayImage, counts: [Int])?) {
        let scale = min(1, 200 / Double(max(image.width, image.height)))
        let small = scale < 1 ? try image.reduced(to: scale, halved: halved) : image
        let counts = Lighting.histogram(small)
        guard let sheet = try sheet(in: small, counts: counts) else { return (image, (small, counts)) }
        var out = image
        let sx = Double(small.width) / Double(image.width), sy = Double(small.height) / Double(image.height)
        let columns = (0..<image.width).map { min(small.width - 1, Int(Double($0) * sx)) }
        out.pixels.withUnsafeMutableBufferPointer { p in
            for y in 0..<image.height {
                let row = min(small.height - 1, Int(Double(y) * sy)) * small.width
                for x in 0..<image.width where !sheet.mask[row + columns[x]] { p[y * image.width + x] = sheet.gray }
            }
        }
        return (out, nil)
    }

    /// Where the sheet is on a small image (its inner part: the edge pixels, part sheet and part surface, are
    /// left out) and its median gray; nil when the image holds no sheet on a darker surround.
    /// `counts`: its gray-level counts, when at hand.
    static func sheet(in small: GrayImage, counts: [Int]? = nil) throws -> (mask: [Bool], gray: UInt8)? {
        let w = small.width, h = small.height, n = w * h
        guard w >= 8, h >= 8 else { return nil }
        let level = try Threshold.level(small, counts: counts, ceiling: 255)
        var border = [Int]()
        for x in 0..<w { border.append(x); border.append((h - 1) * w + x) }
        for y in 1..<(h - 1) { border.append(y * w); border.append(y * w + w - 1) }
        // Most pictures stop here: no dark surround along a third of the image's edge.
        guard Double(border.filter { Int(small.pixels[$0]) <= level }.count) >= 0.3 * Double(border.count) else { return nil }
        let bright = GrayImage(width: w, height: h, pixels: small.pixels.map { Int($0) > level ? 255 : 0 })
        // The largest bright region, then its holes (the ink on it) filled: all that the parts of the rest
        // touching the image's edge leave.
        let regions = try Components.find(in: bright)
        guard let sheet = regions.components.max(by: { $0.area < $1.area }), sheet.area >= n / 5 else { return nil }
        let inSheet = regions.labels.map { $0 == sheet.label }
        let rest = try Components.find(in: GrayImage(width: w, height: h, pixels: inSheet.map { $0 ? 0 : 255 }))
        let touching = Set(rest.components.filter { $0.x == 0 || $0.y == 0 || $0.x + $0.width == w || $0.y + $0.height == h }
            .map(\.label))
        let outside = rest.labels.map { $0 != 0 && touching.contains($0) }
        let filled = outside.filter { !$0 }.count
        // A sheet: a fifth to nine tenths of the picture, mostly bright (ink is thin) but with some ink on it
        // (a bare wall beside a blackboard is no sheet), filling its bounding box as a slightly turned rectangle
        // does (a chalk 0 or a bold 7 does not), and clearly brighter than the surround, with little gray
        // between the two (a sharp edge, not light fading across paper).
        guard filled >= n / 5, filled * 10 <= n * 9, sheet.area * 4 >= filled * 3, (filled - sheet.area) * 300 >= filled,
              filled * 20 >= 11 * sheet.width * sheet.height else { return nil }
        var sheetGrays = [Int](), surroundGrays = [Int]()
        for i in 0..<n {
            if inSheet[i] { sheetGrays.append(Int(small.pixels[i])) } else if outside[i] { surroundGrays.append(Int(small.pixels[i])) }
        }
        let paper = median(sheetGrays), surface = median(surroundGrays)
        guard paper - surface >= 40, between(small, surface, paper) <= 0.12 else { return nil }
        // The inner part: filled pixels whose four neighbours are filled too.
        var mask = [Bool](repeating: false, count: n)
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                mask[i] = !(outside[i] || outside[i - 1] || outside[i + 1] || outside[i - w] || outside[i + w])
            }
        }
        return (mask, UInt8(paper))
    }

    /// The share of pixels whose gray lies in the middle half between the surface's and the paper's: only
    /// the sheet's edge for a sheet on a desk, much of the picture for paper lit unevenly, whose bright side
    /// fades into its darker side.
    private static func between(_ small: GrayImage, _ surface: Int, _ paper: Int) -> Double {
        let low = surface + (paper - surface) / 4, high = paper - (paper - surface) / 4
        let count = small.pixels.reduce(0) { $0 + (Int($1) > low && Int($1) < high ? 1 : 0) }
        return Double(count) / Double(small.pixels.count)
    }

    private static func median(_ values: [Int]) -> Int {
        guard !values.isEmpty else { return 0 }
        return values.sorted()[values.count / 2]
    }
}
