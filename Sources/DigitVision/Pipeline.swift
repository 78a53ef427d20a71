import DigitImage
import DigitNet
import DigitShim
import Dispatch
import Foundation

/// How to read a page.
public struct ScanOptions: Sendable {
    public var maxPixels = Decoder.defaultMaxPixels
    public var deskew = true
    public var removeLines = true
    public var style = SampleStyle()
    /// Quarter turns (counter-clockwise) applied to the image before anything else.
    public var quarterTurns = 0
    /// Keep every stage's image (for `digits preprocess`).
    public var keepStages = false
    /// Keep each digit's crop of the original image, at most this many pixels a side (0: none).
    public var cropSide = 0
    /// Keep a copy of the page at most this many pixels a side when it holds more than one digit (0: none).
    public var previewSide = 0
    /// Reads samples during the scan, so that a mark holding several touching digits is read as several
    /// (`TouchingDigits`); without one every mark is one digit.
    public var reader: TouchingDigits.Reader? = nil
    /// Reads wide marks as numbers (`LineReader`), so that touching digits need no cut; with `reader` only.
    public var lineReader: TouchingDigits.LineRead? = nil
    /// Threads a page's many marks are normalised on (a form of a thousand cells read alone; a run of many
    /// files keeps one per file).
    public var threads = 1

    public init() {}
}

/// One digit read from a page.
public struct ScannedDigit: Sendable {
    /// 28x28 floats in [0,1], ink bright on black, as MNIST.
    public var sample: [Float]
    /// Where the digit is, in the original image's pixels.
    public var box: Box
    /// Line of text (grid row on a form), 0-based from the top.
    public var line: Int
    public var cell: [Int]?
    /// Stroke width found on the page, in pixels.
    public var strokeWidth: Double
    /// The digit as it looks on the page (when asked for).
    public var crop: GrayImage? = nil
    /// What the network read in the sample, when the scan already asked it (a wide mark); nil otherwise.
    public var probabilities: [Float]? = nil
    /// The mark of the page the digit was read in: the digits of one mark read as a number share it.
    public var mark = 0
}

/// Intermediate images, kept when asked, so a user can see why a digit was read as it was.
public struct ScanStages: Sendable {
    public var gray: GrayImage
    public var lit: GrayImage
    public var binary: GrayImage
    public var deskewed: GrayImage
    public var cleaned: GrayImage
}

/// Everything the pipeline found on one image.
public struct ScanResult: Sendable {
    public var digits: [ScannedDigit]
    /// Tilt found and removed, degrees counter-clockwise.
    public var angle: Double
    /// Quarter turns (counter-clockwise) applied to bring the page upright.
    public var quarterTurns: Int
    public var lightOnDark: Bool
    public var grid: Grid?
    public var width: Int
    public var height: Int
    public var rejectedMarks: Int
    public var warnings: [String]
    public var stages: ScanStages?
    /// A reduced copy of the page (when asked for and the page holds more than one digit); boxes scale by
    /// preview.width / width.
    public var preview: GrayImage? = nil
    /// Seconds spent in each stage, in order (for `digits bench --scan`).
    public var timings: [(stage: String, seconds: Double)] = []
    /// The marks found, before any was cut into touching digits (in the scanned image's pixels).
    public var markBoxes: [Box] = []
    /// The digits' boxes on the page as the pipeline read it (turned, straightened, at its working scale):
    /// where to draw them over `stages.deskewed`.
    public var pageBoxes: [Box] = []
}

/// Times the stages of one run.
struct StageClock {
    var marks = [(stage: String, seconds: Double)]()
    private var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        marks.append((stage, Double(now - last) / 1e9))
        last = now
    }
}

/// The scan pipeline: decode → lighting and ink → deskew → lines out → segment → normalise.
public enum Pipeline {
    /// Threads OpenCV may use inside one stage. Set 1 when scanning several images at once: the images are
    /// the parallelism then, and OpenCV's own workers would only compete with them.
    public static func useOpenCVThreads(_ count: Int) { ds_set_threads(Int32(count)) }

    public static func scan(file path: String, options: ScanOptions = ScanOptions()) throws -> ScanResult {
        try run(Decoder.load(path, maxPixels: options.maxPixels), options: options)
    }

    /// Adds what the options ask to keep of the original: digit crops and a page preview.
    static func keepViews(_ result: inout ScanResult, of original: GrayImage, options: ScanOptions) throws {
        if options.cropSide > 0 {
            for i in result.digits.indices {
                let b = result.digits[i].box
                let pad = max(2, b.maxSide / 8)
                let x0 = max(0, b.x - pad), y0 = max(0, b.y - pad)
                let x1 = min(original.width, b.maxX + pad), y1 = min(original.height, b.maxY + pad)
                guard x1 > x0, y1 > y0 else { continue }
                var crop = original.cropped(Box(x: x0, y: y0, width: x1 - x0, height: y1 - y0))
                let k = min(1, Double(options.cropSide) / Double(max(crop.width, crop.height)))
                if k < 1 { crop = try crop.reduced(to: k) }
                result.digits[i].crop = crop
            }
        }
        if options.previewSide > 0, result.digits.count > 1 {
            let k = min(1, Double(options.previewSide) / Double(max(original.width, original.height)))
            result.preview = k < 1
                ? try original.reduced(to: k)
                : original
        }
    }

    /// Scans a page the right way up. Handwritten digits are taller than wide, so a page of three or more
    /// free-standing marks whose boxes are mostly wider than tall has been turned by a quarter: then both
    /// quarter turns are read and the one whose marks read more surely as digits wins. Otherwise the page is read
    /// as it is, unless upside down it reads clearly more surely (by 0.1 on average, counting marks read surely
    /// as no digit as sure too: a line of words upside down is a muddle, the right way up it is surely words;
    /// and a 6 upside down is a 9, so only a clear margin turns a page over) and finds no more digits so
    /// (`takesHalfTurn`). `read` gives the network's class probabilities of samples.
    public static func scanUpright(_ decoded: GrayImage, options: ScanOptions = ScanOptions(),
                                   read: ([[Float]]) throws -> [[Float]]) throws -> ScanResult {
        /// Mean over the marks of the likeliest digit's probability, or of the likeliest class's.
        func sureness(_ r: ScanResult, digitsOnly: Bool) throws -> Double {
            // What the scan read already (the line reader's digits, marks read whole) counts as it was read.
            let fresh = try read(r.digits.filter { $0.probabilities == nil }.map(\.sample))
            var next = 0
            let rows = r.digits.map { d -> [Float] in
                if let p = d.probabilities { return p }
                next += 1
                return fresh[next - 1]
            }
            guard !rows.isEmpty else { return 0 }
            return rows.reduce(0.0) { $0 + Double(digitsOnly ? MarkClasses.likeliestDigit($1).value : $1.top.value) } / Double(rows.count)
        }
        let first = try run(decoded, options: options)
        guard first.digits.count >= 3, first.grid == nil else { return try withViews(first, decoded, options) }
        // Marks as found: a mark cut into touching digits says nothing about the page's turn.
        let aspects = first.markBoxes.map { Double($0.width) / Double(max(1, $0.height)) }.sorted()
        guard aspects.count >= 3 else { return try withViews(first, decoded, options) }
        let sideways = aspects[aspects.count / 2] > 1.15
        func turned(_ k: Int) throws -> ScanResult {
            var o = options
            o.quarterTurns = (options.quarterTurns + k) % 4
            return try run(decoded, options: o)
        }
        if sideways {
            let a = try turned(1), b = try turned(3)
            let sa = try sureness(a, digitsOnly: true), sb = try sureness(b, digitsOnly: true)
            let (best, sure) = sa >= sb ? (a, sa) : (b, sb)
            let turn = takesQuarterTurn(first, sureness: try sureness(first, digitsOnly: true), turned: best, sureness: sure)
            return try withViews(turn ? best : first, decoded, options)
        }
        let over = try turned(2)
        let turn = takesHalfTurn(first, sureness: try sureness(first, digitsOnly: false),
                                 over: over, sureness: try sureness(over, digitsOnly: false))
        return try withViews(turn ? over : first, decoded, options)
    }

    /// Whether a page read as `page` is rather upside down, read as `over`: the page stays as it is unless it
    /// reads clearly surer turned over, and finds no more digits so. Turning a page over changes neither its ink
    /// nor its marks; a reading that finds more digits upside down has cut the letters of a word into digits
    /// (a line of words upside down may read as surely as digits), not found the page's right way up.
    static func takesHalfTurn(_ page: ScanResult, sureness: Double, over: ScanResult, sureness overSureness: Double) -> Bool {
        overSureness > sureness + 0.1 && over.digits.count <= page.digits.count
    }

    /// Whether a page of wide marks read as `page` is rather the page turned by a quarter, read as `turned`: wide
    /// marks may be a page on its side, or numbers whose digits touch, so the page stays as it is unless the turn
    /// reads clearly surer, finds about as many marks (a number turned on its side merges into a mark or two read
    /// surely as something) and sets them in no more lines (writing runs along its lines: read across them, a
    /// number's marks each stand on a line of their own). `sureness` is the mean of the likeliest digits.
    static func takesQuarterTurn(_ page: ScanResult, sureness: Double, turned: ScanResult, sureness turnedSureness: Double) -> Bool {
        func lines(_ r: ScanResult) -> Int { Set(r.digits.map(\.line)).count }
        return turnedSureness > sureness + 0.1 && 5 * turned.digits.count >= 4 * page.digits.count
            && lines(turned) <= lines(page)
    }

    private static func withViews(_ r: ScanResult, _ original: GrayImage, _ options: ScanOptions) throws -> ScanResult {
        var r = r
        try keepViews(&r, of: original, options: options)
        return r
    }

    /// Where and at what scale an image is read (`workingView`).
    public struct WorkingView: Equatable, Sendable {
        /// The scale the image is read at.
        public var scale: Double
        /// The part of the image read, in the pixels of the image reduced to `scale`, when a glance found one
        /// to three large marks: they with a margin of half their size each way (the rest of the page is
        /// paper, specks and edges, and costs as much to read again); nil: all of it.
        public var region: Box?
    }

    /// The scale at which to read an image (`workingView`).
    public static func workingScale(_ image: GrayImage) throws -> Double { try workingView(image).scale }

    /// The scale at which to read an image, and the part of it to read: a glance at 200 pixels a side finds
    /// the digits; when there are at most three and each is large, reading them at about 80 pixels tall loses
    /// nothing (samples are 20 pixels) and costs a fraction of full resolution, and only the part of the page
    /// around them is read; four to twelve large marks (a number written large) are read whole at that scale.
    /// Pages of many digits are read whole at `pageScale`; a small image of a small
    /// number, enlarged (`enlargement`). `halved` is the image
    /// `shrunk(by: 2)` and `glance` its reduction to 200 pixels a side, when the caller has them.
    public static func workingView(_ image: GrayImage, halved: GrayImage? = nil, glance: (GrayImage, counts: [Int])? = nil) throws -> WorkingView {
        let side = max(image.width, image.height)
        guard side > smallSide else { return WorkingView(scale: try enlargement(image)) }
        // A page that may need the closer look has it made first, and the glance made from it: reducing the
        // full page once instead of twice.
        let look = side >= pageLookFrom ? try image.reduced(to: pageLookSide / Double(side), halved: halved) : nil
        let s = 200 / Double(side)
        let small = try look.map { try $0.reduced(to: 200 / pageLookSide) } ?? glance?.0 ?? image.reduced(to: s, halved: halved)
        let (ink, inkMarks) = try inked(small, lightOnDark: look == nil ? glance.map { Lighting.isLightOnDark(counts: $0.counts) } : nil)
        // Ruling or a printed grid needs full resolution to be removed cleanly; so do pages of many marks.
        // Lines across 40 % of the page, two or more parallel: one long stroke is not ruling (a tall 1 is one).
        let whole = { WorkingView(scale: try pageScale(image, look: look)) }
        let ruling = try RuledLines.find(in: ink, fraction: 0.4)
        if ruling.horizontalCount + ruling.verticalCount > 0 { return try whole() }
        let marks = inkMarks.components
        guard marks.filter({ $0.area >= 4 }).count <= 12 else { return try whole() }
        let regions = Segmenter.regions(marks, width: ink.width, height: ink.height).regions
        // A mark's size is its longer side, but a mark twice as wide as tall or more is a line of writing
        // merged at this scale, whose digits stand as tall as it is.
        guard !regions.isEmpty,
              let smallest = regions.map({ $0.box.width >= 2 * $0.box.height ? $0.box.height : $0.box.maxSide }).min()
        else { return try whole() }
        let scale = min(1, 80 / (Double(smallest) / s))
        guard scale < 1 else { return WorkingView(scale: 1) }
        // A number of four marks or more written large is read whole at that scale too (a webcam's noise
        // and grain, which join its strokes to specks at full size, average out).
        guard regions.count <= 3 else { return WorkingView(scale: scale) }
        // The marks' box at the working scale, a glance pixel and half the marks' size wider each way.
        let marksBox = regions.dropFirst().reduce(regions[0].box) { $0.union($1.box) }
        let k = scale / s, pad = Double(marksBox.maxSide) / 2 + 1
        let w = max(1, Int(Double(image.width) * scale)), h = max(1, Int(Double(image.height) * scale))
        let x0 = max(0, Int((Double(marksBox.x) - pad) * k)), y0 = max(0, Int((Double(marksBox.y) - pad) * k))
        let x1 = min(w, Int((Double(marksBox.maxX) + pad) * k) + 1), y1 = min(h, Int((Double(marksBox.maxY) + pad) * k) + 1)
        let region = Box(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        return WorkingView(scale: scale, region: region.width * region.height < w * h * 3 / 4 ? region : nil)
    }

    /// The scale at which to read a small image (`workingView`): 1, or more for a number written or scanned so
    /// small that its digits stand under `smallDigitHeight` pixels (three marks or more, the upper quartile of
    /// their heights), where cutting touching digits and reading them loses strokes a pixel wide; it is
    /// enlarged (bilinear, at most 3 times) until they stand `enlargedDigitHeight` tall. A single small mark
    /// is left as it is: MNIST's own 28x28 digits, a letter.
    /// Larger images are read at 1 or less (`workingView`).
    static func enlargement(_ image: GrayImage) throws -> Double {
        guard max(image.width, image.height) <= smallSide else { return 1 }
        let (ink, found) = try inked(image)
        let heights = Segmenter.regions(found.components, width: ink.width, height: ink.height).regions.map(\.box.height).sorted()
        guard heights.count >= 3 else { return 1 }
        let tall = Double(heights[heights.count * 3 / 4])
        return tall < smallDigitHeight ? min(3, enlargedDigitHeight / tall) : 1
    }

    /// The ink of a copy of a page and its marks, lit and thresholded as the pipeline does; its polarity judged
    /// here unless the caller knows it. How the glances that set the working scale look at a page.
    static func inked(_ image: GrayImage, lightOnDark: Bool? = nil) throws -> (ink: GrayImage, components: Components) {
        let gray = lightOnDark ?? Lighting.isLightOnDark(image) ? image.inverted() : image
        let (lit, counts) = try Lighting.evenCounted(gray)
        return try Threshold.inkComponents(lit, level: try Threshold.level(lit, counts: counts))
    }

    /// Images at most this many pixels a side are read at full size or enlarged (`enlargement`).
    static let smallSide = 320

    /// Digits of a small number shorter than this are read enlarged to `enlargedDigitHeight` (`enlargement`).
    static let smallDigitHeight = 22.0, enlargedDigitHeight = 32.0

    /// Digits of a page stand at least this tall at the scale it is read at (the lower quartile of its marks).
    static let pageDigitHeight = 44.0

    /// Pages at least this many pixels a side may be read reduced (`pageScale`), judged by a look at
    /// `pageLookSide` pixels a side.
    static let pageLookFrom = 2000, pageLookSide = 1000.0

    /// The scale at which to read a large page of many digits or of ruling (a 600-dpi form): a look at 1,000
    /// pixels a side, its ruling removed, measures its marks; the page is reduced until the lower quartile of
    /// their heights is `pageDigitHeight`, or read at full size when they are smaller or too few to judge by.
    static func pageScale(_ image: GrayImage, look: GrayImage?) throws -> Double {
        let side = max(image.width, image.height)
        guard side >= pageLookFrom, let look else { return 1 }
        let s = pageLookSide / Double(side)
        var small = look
        if Lighting.isLightOnDark(small) { small = small.inverted() }
        let lit = try Lighting.even(small)
        var ink = try Threshold.ink(lit, level: try Threshold.level(lit))
        let ruling = try RuledLines.find(in: ink)
        if ruling.horizontalCount + ruling.verticalCount > 0 { ink = ruling.removed(from: ink) }
        let marks = try Components.find(in: ink).components
        let regions = Segmenter.regions(marks, width: ink.width, height: ink.height, grid: ruling.grid).regions
        guard regions.count >= 8 else { return 1 }
        let heights = regions.map { Double($0.box.height) / s }.sorted()
        return min(1, pageDigitHeight / heights[heights.count / 4])
    }

    public static func run(_ input: GrayImage, options: ScanOptions = ScanOptions()) throws -> ScanResult {
        var warnings = [String]()
        var clock = StageClock()
        let turns = ((options.quarterTurns % 4) + 4) % 4
        let turned = turns == 0 ? input : try input.rotated(by: Double(90 * turns), fill: 255, nearest: true)
        // The paper's judge, the glance and the working copy of a scan all start by halving it and the first
        // two look at one 200-pixel copy: made once, unless the paper stage changed the page. (A page too
        // large for that, `pageLookFrom`, is judged from a closer look whose copies need not outlive it.)
        let side = max(turned.width, turned.height)
        let large = !options.keepStages && side >= 400 && side < pageLookFrom
        let halvedTurned = large ? try turned.shrunk(by: 2) : nil
        let (upright, glance) = try Paper.isolated(turned, halved: halvedTurned)
        let halved = glance == nil && large ? try upright.shrunk(by: 2) : halvedTurned
        clock.lap("paper")
        // Stages are kept at full size, or enlarged as a small number is read.
        let view = !options.keepStages ? try workingView(upright, halved: halved, glance: glance)
            : WorkingView(scale: try enlargement(upright))
        let workScale = view.scale, region = view.region
        let page = workScale < 1 ? try upright.reduced(to: workScale, halved: halved)
            : workScale > 1 ? try upright.resized(width: Int((Double(upright.width) * workScale).rounded()),
                                                  height: Int((Double(upright.height) * workScale).rounded()), bilinear: true)
            : upright
        let decoded = region.map { page.cropped($0) } ?? page
        clock.lap("scale")
        let lightOnDark = Lighting.isLightOnDark(decoded)
        let gray = lightOnDark ? decoded.inverted() : decoded
        clock.lap("polarity")
        // A region is lit as the whole page would be: the paper estimated over the same window.
        let (evened, counts) = try Lighting.evenCounted(gray, window: region.map { _ in max(15, min(page.width, page.height) / 6) },
                                                        deepening: true)
        var lit = evened
        clock.lap("lighting")
        let level = try Threshold.level(lit, counts: counts)
        // The ink's marks come with it, and serve while the ink stays as found (on a large page they would
        // only take memory through the stages between).
        var binary: GrayImage, marksFound: Components?
        if lit.pixels.count <= 1 << 20 {
            (binary, marksFound) = try Threshold.inkComponents(lit, level: level)
        } else {
            binary = try Threshold.ink(lit, level: level)
        }
        clock.lap("ink")
        // With the ink's marks and the lit page's counts at hand, neither image is scanned again to tell.
        let anyInk: Bool
        if let marksFound { anyInk = marksFound.total > 0 } else { anyInk = binary.pixels.withUnsafeBufferPointer { $0.contains { $0 != 0 } } }
        let darkest = counts?.firstIndex { $0 > 0 } ?? Int(lit.pixels.min() ?? 255)
        if !anyInk || darkest > 200 {
            warnings.append("no ink found")
            return ScanResult(digits: [], angle: 0, quarterTurns: turns, lightOnDark: lightOnDark, grid: nil, width: input.width,
                              height: input.height, rejectedMarks: 0, warnings: warnings,
                              stages: options.keepStages ? ScanStages(gray: gray, lit: lit, binary: binary, deskewed: lit, cleaned: binary) : nil)
        }
        let binaryBefore = binary
        var angle = 0.0
        if options.deskew {
            angle = try Deskew.angle(binary)
            if abs(angle) >= 0.3 {
                lit = try lit.rotated(by: -angle, fill: 255)
                binary = try binary.rotated(by: -angle, fill: 0, nearest: true)
                marksFound = nil
            } else {
                angle = 0
            }
        }
        clock.lap("deskew")
        var cleaned = binary
        var grid: Grid?
        if options.removeLines {
            let lines = try RuledLines.find(in: binary)
            if lines.horizontalCount + lines.verticalCount > 0 {
                cleaned = lines.removed(from: binary)
                marksFound = nil
                lines.cover(&lit, with: 255)
                grid = lines.grid
            }
        }
        clock.lap("lines")
        let components = try marksFound ?? Components.find(in: cleaned)
        if components.total > components.components.count {
            warnings.append("\(components.total) separate marks; only the first \(components.components.count) were examined")
        }
        let outcome = Segmenter.regions(components.components, width: cleaned.width, height: cleaned.height, grid: grid)
        clock.lap("segment")
        if outcome.regions.isEmpty { warnings.append("no digit found") }
        var regions = [DigitRegion](), samples = [[Float]](), strokes = [Double]()
        let normalised = normalise(outcome.regions, lit: lit, labels: components.labels, options: options)
        for (region, made) in zip(outcome.regions, normalised) {
            switch made {
            case .success(let (sample, stroke)):
                regions.append(region); samples.append(sample); strokes.append(stroke)
            case .failure(let error):
                // One mark that cannot be normalised does not cost the page its other digits.
                warnings.append("mark at \(region.box.x),\(region.box.y) skipped: \(error)")
            }
        }
        clock.lap("normalise")
        var parts = [[TouchingDigits.Part]?](repeating: nil, count: regions.count)
        if let reader = options.reader, grid == nil {
            parts = try TouchingDigits.split(regions, samples: samples, lit: lit, labels: components.labels,
                                             style: options.style, read: reader, readLine: options.lineReader)
        }
        // An i, a j, a ! or a ? is no digit, whatever its stroke alone looks like (the split leaves it to here).
        if let reader = options.reader {
            let dotted = regions.indices.filter { regions[$0].dotted }
            if !dotted.isEmpty {
                for (k, row) in zip(dotted, try reader(dotted.map { samples[$0] })) where row.count > MarkClasses.notDigit {
                    parts[k] = [TouchingDigits.Part(box: regions[k].box, sample: samples[k], probabilities: TouchingDigits.noDigit(row))]
                }
            }
        }
        clock.lap("touching")
        var digits = [ScannedDigit](), pageBoxes = [Box]()
        digits.reserveCapacity(regions.count)
        for (k, region) in regions.enumerated() {
            for part in parts[k] ?? [TouchingDigits.Part(box: region.box, sample: samples[k])] {
                let box = angle == 0 ? part.box
                    : originalBox(part.box, angle: angle, rotated: (lit.width, lit.height), original: (decoded.width, decoded.height))
                digits.append(ScannedDigit(sample: part.sample, box: box, line: region.line, cell: region.cell, strokeWidth: strokes[k],
                                           probabilities: part.probabilities, mark: k))
                pageBoxes.append(part.box)
            }
        }
        if let region {
            digits = digits.map { d in
                var d = d
                d.box = Box(x: d.box.x + region.x, y: d.box.y + region.y, width: d.box.width, height: d.box.height)
                return d
            }
        }
        if workScale != 1 {
            let k = 1 / workScale
            digits = digits.map { d in
                var d = d
                let b = d.box
                let x0 = Int(Double(b.x) * k), y0 = Int(Double(b.y) * k)
                let x1 = min(upright.width, Int((Double(b.maxX) * k).rounded(.up))), y1 = min(upright.height, Int((Double(b.maxY) * k).rounded(.up)))
                d.box = Box(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
                d.strokeWidth *= k
                return d
            }
        }
        if turns != 0 {
            digits = digits.map { d in
                var d = d
                d.box = Pipeline.originalBox(d.box, angle: -Double(90 * turns), rotated: (upright.width, upright.height),
                                             original: (input.width, input.height))
                return d
            }
        }
        return ScanResult(digits: digits, angle: angle, quarterTurns: turns, lightOnDark: lightOnDark, grid: grid, width: input.width,
                          height: input.height, rejectedMarks: outcome.rejected, warnings: warnings,
                          stages: options.keepStages ? ScanStages(gray: gray, lit: try Lighting.even(gray), binary: binaryBefore, deskewed: lit, cleaned: cleaned) : nil,
                          timings: clock.marks, markBoxes: regions.map(\.box), pageBoxes: pageBoxes)
    }

    /// Each region's MNIST-style sample and stroke width, in order; a page of many marks is split over
    /// `options.threads` (each mark is normalised on its own, so the split changes nothing but the time).
    static func normalise(_ regions: [DigitRegion], lit: GrayImage, labels: [Int32],
                          options: ScanOptions) -> [Result<([Float], Double), Error>] {
        let one = { @Sendable (r: DigitRegion) in Result { try Normalizer.sample(r, lit: lit, labels: labels, style: options.style) } }
        let threads = min(options.threads, regions.count / 32)
        guard threads > 1 else { return regions.map(one) }
        var out = [Result<([Float], Double), Error>](repeating: .success(([], 0)), count: regions.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let slots = UnsafeSlots(buffer)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                for k in slice(regions.count, part: t, of: threads) { slots[k] = one(regions[k]) }
            }
        }
        return out
    }

    /// Maps a box on the straightened canvas back to the original image: the canvas was made by rotating
    /// the original by −angle about its centre and enlarging it.
    static func originalBox(_ b: Box, angle: Double, rotated: (Int, Int), original: (Int, Int)) -> Box {
        let t = angle * .pi / 180, c = cos(t), s = sin(t)
        let rc = (Double(rotated.0 - 1) / 2, Double(rotated.1 - 1) / 2), oc = (Double(original.0 - 1) / 2, Double(original.1 - 1) / 2)
        var xs = [Double](), ys = [Double]()
        for (px, py) in [(b.x, b.y), (b.maxX, b.y), (b.x, b.maxY), (b.maxX, b.maxY)] {
            let dx = Double(px) - rc.0, dy = Double(py) - rc.1
            // The canvas shows the original turned by −angle (counter-clockwise positive, y down): turn back.
            xs.append(c * dx + s * dy + oc.0)
            ys.append(-s * dx + c * dy + oc.1)
        }
        let x0 = max(0, Int(xs.min()!.rounded(.down))), y0 = max(0, Int(ys.min()!.rounded(.down)))
        let x1 = min(original.0, Int(xs.max()!.rounded(.up))), y1 = min(original.1, Int(ys.max()!.rounded(.up)))
        return Box(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
    }
}

