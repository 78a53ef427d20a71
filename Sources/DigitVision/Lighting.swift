import DigitImage
import DigitShim

/// Stage 2a: which way round the ink is, and lighting evened out so that paper is white everywhere.
public enum Lighting {
    /// True when the image is light ink on dark ground (a blackboard, MNIST itself): the ink is the minority,
    /// so the median is the paper, and the ink lies on the far side of it from the paper's own spread,
    /// clearly farther (by a quarter). The dark side is judged by its darkest thousandth: a few thin strokes on
    /// a white card that lies on a light grey desk are a small share of the picture but far darker than the
    /// desk, while the card, brighter than the desk, is no chalk.
    public static func isLightOnDark(_ image: GrayImage) -> Bool { isLightOnDark(counts: histogram(image)) }

    /// `isLightOnDark` from the image's gray-level counts (`histogram`), when they are at hand.
    public static func isLightOnDark(counts histogram: [Int]) -> Bool {
        let total = histogram.reduce(0, +)
        func percentile(_ q: Double) -> Int {
            let target = Int(Double(total - 1) * q)
            var seen = 0
            for v in 0..<256 { seen += histogram[v]; if seen > target { return v } }
            return 255
        }
        let low = percentile(0.001), mid = percentile(0.5), high = percentile(0.99)
        // Near a tie (a blurred photo whose ink has faded towards the paper) paper is the likelier: dark ink
        // on light paper is what most scans are, and light-on-dark grounds (boards, MNIST) are far from tied.
        return Double(high - mid) > 1.25 * Double(mid - low)
    }

    /// Dark ink on white paper, with shadows, gradients and coloured paper divided out. `window` is the
    /// size over which the paper is estimated: larger than any stroke, smaller than the lighting's changes.
    public static func even(_ image: GrayImage, window: Int? = nil) throws -> GrayImage {
        try evenCounted(image, window: window).lit
    }

    /// `even`, and its gray-level counts when they cover every pixel (`histogram`), for `Threshold.level`;
    /// with `deepening`, faint ink deepened too (`deepenFaintInk`).
    public static func evenCounted(_ image: GrayImage, window: Int? = nil, deepening: Bool = false) throws -> (lit: GrayImage, counts: [Int]?) {
        let w = window ?? max(15, min(image.width, image.height) / 6)
        var lit = try image.mapped { ds_even_lighting($0, Int32(w), $1, $2) }
        // The paper estimate follows the brightest grain; the median pixel is paper, so make it white.
        var histogram = self.histogram(lit)
        let total = histogram.reduce(0, +)
        let median = percentile(histogram, 0.5)
        if median < 250, median > 0 {
            let gain = 255 / Float(median)
            remap(&lit, counts: &histogram, by: (0..<256).map { UInt8(min(255, Float($0) * gain)) })
        }
        if deepening { deepenFaintInk(&lit, counts: &histogram) }
        return (lit, total == lit.pixels.count ? histogram : nil)
    }

    /// Ink whose pixels (the dark side of Otsu's split) average lighter than this, and whose darkest pixels
    /// (the darkest half percent of the picture) are lighter than `paleDarkest`, is faint: pencil, a faded
    /// print, a pale photo. A pen's thin strokes on a large sheet also leave the dark side pale on average
    /// (it is mostly the sheet's shaded edges), but their own pixels are dark.
    static let faintInk = 180.0, paleDarkest = 140
    /// Faint ink is deepened until its pixels average this gray, as a pen's do, by at most `deepest` times.
    static let penInk = 110.0, deepest = 3.0
    /// Ink stands at least this far from the paper (the two sides' averages); paper grain on a blank page, all
    /// that Otsu can split there, stands closer.
    static let inkApart = 30.0

    /// Faint ink deepened, grays stretched away from white (paper stays white), and `counts` moved with them:
    /// then the threshold's ceiling, set to keep grain out of the ink, no longer cuts the ink's paler strokes
    /// away, and its samples are as dark as a pen's.
    /// `counts`: the image's gray-level counts (`histogram`).
    static func deepenFaintInk(_ lit: inout GrayImage, counts: inout [Int]) {
        guard let split = Threshold.otsu(counts), split.dark > faintInk, split.light - split.dark >= inkApart,
              percentile(counts, 0.005) > paleDarkest else { return }
        let gain = min(deepest, (255 - penInk) / (255 - split.dark))
        remap(&lit, counts: &counts, by: (0..<256).map { UInt8(max(0, 255 - (255 - Double($0)) * gain).rounded()) })
    }

    /// Every pixel's gray replaced by `table`'s entry for it, and each gray's count moved where the table
    /// sends it.
    static func remap(_ lit: inout GrayImage, counts: inout [Int], by table: [UInt8]) {
        lit.pixels.withUnsafeMutableBufferPointer { p in
            table.withUnsafeBufferPointer { t in for i in 0..<p.count { p[i] = t[Int(p[i])] } }
        }
        var moved = [Int](repeating: 0, count: 256)
        for v in 0..<256 { moved[Int(table[v])] += counts[v] }
        counts = moved
    }

    /// The gray at or below which a share `q` of the counted pixels lie.
    static func percentile(_ counts: [Int], _ q: Double) -> Int {
        let total = counts.reduce(0, +)
        var seen = 0
        for v in 0..<counts.count { seen += counts[v]; if Double(seen) >= q * Double(total) { return v } }
        return 255
    }

    /// Gray-level counts; on a large image, of every pixel of every other row and column (a quarter of them,
    /// still millions: plenty for the percentiles taken from it). Four tables take turns, so that a run of
    /// pixels of one gray (paper) does not wait on the count it just wrote.
    static func histogram(_ image: GrayImage) -> [Int] {
        var tables = [UInt32](repeating: 0, count: 4 * 256)
        let step = image.pixels.count > 4_000_000 ? 2 : 1
        image.pixels.withUnsafeBufferPointer { p in
            tables.withUnsafeMutableBufferPointer { t in
                for y in stride(from: 0, to: image.height, by: step) {
                    let row = y * image.width
                    var x = 0
                    if step == 1 {
                        while x + 4 <= image.width {
                            t[Int(p[row + x])] &+= 1
                            t[256 + Int(p[row + x + 1])] &+= 1
                            t[512 + Int(p[row + x + 2])] &+= 1
                            t[768 + Int(p[row + x + 3])] &+= 1
                            x += 4
                        }
                    }
                    while x < image.width { t[Int(p[row + x])] &+= 1; x += step }
                }
            }
        }
        return (0..<256).map { Int(tables[$0]) + Int(tables[256 + $0]) + Int(tables[512 + $0]) + Int(tables[768 + $0]) }
    }
}

/// Stage 2b: ink versus paper.
public enum Threshold {
    /// The gray level at or below which a pixel of an evened image is ink: Otsu's level, but never above
    /// `ceiling`, so that a nearly blank page does not turn paper grain into ink.
    public static func level(_ lit: GrayImage, ceiling: Int = 200) throws -> Int {
        var level: Int32 = 0, err = ds_error()
        let code = lit.withView { ds_otsu($0, &level, &err) }
        try ScanError.check(code, err)
        return min(Int(level), ceiling)
    }

    /// `level` from the image's gray-level counts (every pixel counted), when they are at hand: Otsu's
    /// method as OpenCV computes it, to the same level.
    public static func level(counts h: [Int], ceiling: Int = 200) -> Int {
        min(otsu(h)?.level ?? ceiling, ceiling)
    }

    /// Otsu's split of gray-level counts as OpenCV computes it: the level, and the mean gray of the pixels at
    /// or below it (dark) and above it (light). Nil without counts.
    static func otsu(_ h: [Int]) -> (level: Int, dark: Double, light: Double)? {
        let total = h.reduce(0, +)
        guard h.count == 256, total > 0 else { return nil }
        let scale = 1 / Double(total)
        var mu = 0.0
        for i in 0..<256 { mu += Double(i) * Double(h[i]) }
        mu *= scale
        let epsilon = Double(Float.ulpOfOne)
        var mu1 = 0.0, q1 = 0.0, maxSigma = 0.0, best = (level: 0, dark: mu, light: mu)
        for i in 0..<256 {
            let p = Double(h[i]) * scale
            mu1 *= q1
            q1 += p
            let q2 = 1 - q1
            if min(q1, q2) < epsilon || max(q1, q2) > 1 - epsilon { continue }
            mu1 = (mu1 + Double(i) * p) / q1
            let mu2 = (mu - q1 * mu1) / q2
            let sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2)
            if sigma > maxSigma { maxSigma = sigma; best = (i, mu1, mu2) }
        }
        return best
    }

    /// `level(_:ceiling:)` from `counts` when they count every pixel of `image` (`Lighting.evenCounted`,
    /// `Lighting.histogram` of a small image), else from the image.
    public static func level(_ image: GrayImage, counts: [Int]?, ceiling: Int = 200) throws -> Int {
        if let counts, counts.reduce(0, +) == image.pixels.count { return level(counts: counts, ceiling: ceiling) }
        return try level(image, ceiling: ceiling)
    }

    /// Ink with hysteresis: pixels at or below `level`, plus fainter ones (up to `weakLevel`) that touch
    /// them, so that light pencil strokes stay whole.
    public static func ink(_ lit: GrayImage, level: Int) throws -> GrayImage {
        let weak = weakLevel(level)
        return try lit.mapped { ds_threshold_hysteresis($0, Int32(level), Int32(weak), $1, $2) }
    }

    /// How faint a pixel touching ink may be and still be ink: halfway from `level` to white.
    static func weakLevel(_ level: Int) -> Int { level + (255 - level) / 2 }

    /// `ink`, and its connected components (`Components.find` of it), which finding the ink labels anyway.
    public static func inkComponents(_ lit: GrayImage, level: Int) throws -> (ink: GrayImage, components: Components) {
        let weak = weakLevel(level)
        var labels = [Int32](repeating: 0, count: lit.pixels.count)
        var count: Int32 = 0
        let ink = try lit.mapped { image, out, err in
            labels.withUnsafeMutableBufferPointer { ds_threshold_hysteresis_labelled(image, Int32(level), Int32(weak), out, $0.baseAddress, &count, err) }
        }
        return (ink, try Components.measured(labels: labels, width: lit.width, height: lit.height, count: Int(count)))
    }

    /// 255 where the image is at or below `level` (ink), 0 elsewhere.
    public static func binary(_ lit: GrayImage, level: Int) throws -> GrayImage {
        try lit.mapped { ds_threshold_below($0, Int32(level), $1, $2) }
    }
}
