import DigitImage
import DigitNet
import Foundation

/// Stage 6b: a mark that may hold several touching digits is read as several. Candidate cuts are put at the
/// columns where the mark is thinnest and where its upper or lower outline dips; every run of pieces between
/// two cuts that could be one digit is normalised and read; the reading whose digits are jointly most probable
/// wins, the whole mark read as one being one of the candidates. A classifier that knows "not a digit" (trained
/// on digits run together and on slivers of digits) makes a wrong cut or a merged pair improbable as a digit.
public enum TouchingDigits {
    /// Reads samples: class probabilities per sample (10 digits, and "not a digit" last if the model has it).
    public typealias Reader = @Sendable ([[Float]]) throws -> [[Float]]
    /// Reads strips of marks as numbers (`LineReader`): the digits of each, with their frames.
    public typealias LineRead = @Sendable ([LineStrip]) throws -> [[CTC.Label]]

    /// A mark at least this wide for its height may hold more than one digit.
    static let wideAspect = 0.6
    /// A mark read as one digit at least this surely is left whole, unless it is very wide.
    static let sureAsOne: Float = 0.9
    /// A mark narrower than tall read as one digit at least this surely is not read by the line reader.
    static let surelyOne: Float = 0.99
    /// Pieces at most this wide (times the mark's height) are read as one digit; at least this narrow.
    static let widest = 1.25, narrowest = 0.08
    /// At most this many cuts are tried in one mark.
    static let maxCuts = 18


    /// One digit of a mark: its columns on the page, its sample, and what the network read in it (kept so
    /// that the sample is not read twice).
    public struct Part: Sendable {
        public var box: Box
        public var sample: [Float]
        public var probabilities: [Float]?
    }

    /// Whether a mark of this box is worth trying to split.
    static func isWide(_ box: Box) -> Bool { Double(box.width) >= wideAspect * Double(box.height) }

    /// The probability that a row of class probabilities is a digit: the likeliest digit's.
    static func digitProbability(_ row: [Float]) -> Float { MarkClasses.likeliestDigit(row).value }

    /// A part of a mark may also be no digit (the dot or dash after an amount, the stroke under it), at a cost:
    /// otherwise a digit could be read away as two strokes that are not digits.
    static let notDigitCost = log(2.0)

    /// How a part of a mark is best read, and its log-probability with the cost of reading no digit.
    static func partScore(_ row: [Float]) -> (digit: Bool, score: Double, p: Float) {
        let pd = digitProbability(row), pn = row.count > MarkClasses.notDigit ? row[MarkClasses.notDigit] : 0
        let asDigit = log(Double(max(pd, 1e-6))), asOther = log(Double(max(pn, 1e-6))) - notDigitCost
        return asDigit >= asOther ? (true, asDigit, pd) : (false, asOther, pn)
    }

    /// Decides, for each wide mark of a page, whether it is one digit or several; returns the parts of each
    /// mark (one part, with what was read in it, where a wide mark stays whole; nil for the marks not looked at).
    /// `samples` are the marks' whole samples.
    static func split(_ regions: [DigitRegion], samples: [[Float]], lit: GrayImage, labels: [Int32],
                      style: SampleStyle, read: Reader, readLine: LineRead? = nil) throws -> [[Part]?] {
        var out = [[Part]?](repeating: nil, count: regions.count)
        // A dotted mark (an i, a j, a ! or a ?) is no digit however it reads: the pipeline reads it once, alone.
        let wide = regions.indices.filter { isWide(regions[$0].box) && !regions[$0].dotted }
        guard !wide.isEmpty else { return out }
        let wholes = try read(wide.map { samples[$0] })
        // The line reader's reading of each wide mark, where there is a reader.
        var lines = [(line: [CTC.Label], strip: LineStrip)?](repeating: nil, count: wide.count)
        if let readLine {
            // A mark no wider than tall that the page model reads as one digit this surely is one digit: the
            // reader is not asked (most single digits on a page).
            let strips = wide.indices.map { k -> LineStrip? in
                let w = wholes[k], top = w.top.index, box = regions[wide[k]].box
                if top < MarkClasses.digits && w[top] >= surelyOne && box.width < box.height { return nil }
                return LineStrip.make(regions[wide[k]], lit: lit, labels: labels)
            }
            let present = strips.indices.filter { strips[$0] != nil }
            let read = try readLine(present.compactMap { strips[$0] })
            for (k, r) in zip(present, read) { if let strip = strips[k] { lines[k] = (r, strip) } }
        }
        // Marks read by the line reader, whose parts the page model reads afterwards, all in one batch.
        var byReader = [(mark: Int, parts: [Part])]()
        let marksOnLine = regions.reduce(into: [Int: Int]()) { $0[$1.line, default: 0] += 1 }
        for (k, i) in wide.enumerated() {
            let w = wholes[k], top = w.top.index
            let veryWide = Double(regions[i].box.width) >= 1.5 * Double(regions[i].box.height)
            out[i] = [Part(box: regions[i].box, sample: samples[i], probabilities: w)]
            if let (line, strip) = lines[k] {
                if let parts = try byLine(regions[i], whole: w, line: line, strip: strip, lit: lit, labels: labels, style: style) {
                    byReader.append((i, parts))
                    continue
                }
                // A word is not cut into digits when the reader reads no number in it; where the reader finds no
                // digit at all, both networks say the mark is none, however unsure the page model is of it (a
                // scribble, a flourish).
                if top == MarkClasses.notDigit {
                    if line.isEmpty { out[i] = [Part(box: regions[i].box, sample: samples[i], probabilities: noDigit(w))] }
                    continue
                }
                // Nor is a mark alone on its line a digit when the reader finds none in it and the page model
                // reads it as one unsurely (a lone letter, b d q y G e, that the page model can only read as its
                // nearest digit; beside other digits a mark is read as they are).
                if line.isEmpty && top < MarkClasses.digits && w[top] < sureAsOne && w.count > MarkClasses.notDigit
                    && marksOnLine[regions[i].line, default: 0] == 1 {
                    out[i] = [Part(box: regions[i].box, sample: samples[i], probabilities: noDigit(w))]
                    continue
                }
            }
            switch decision(w, veryWide: veryWide) {
            case .keep: continue
            case .split, .splitOrKeep:
                if let parts = try best(regions[i], whole: w, lit: lit, labels: labels, style: style, read: read,
                                        wholeAllowed: top != MarkClasses.severalDigits) {
                    out[i] = parts
                }
            case .splitIfSure:
                // Read whole as not a digit, yet very wide: a number written joined up, or a word. Its parts must
                // read surely as digits (a word's letters do not).
                if let parts = try best(regions[i], whole: w, lit: lit, labels: labels, style: style, read: read,
                                        wholeAllowed: true, sureParts: true) {
                    out[i] = parts
                }
            }
        }
        guard !byReader.isEmpty else { return out }
        let rows = try read(byReader.flatMap { $0.parts.map(\.sample) })
        var next = 0
        for (i, parts) in byReader {
            out[i] = seconded(parts, pageRows: Array(rows[next..<(next + parts.count)]))
            next += parts.count
        }
        return out
    }

    enum Decision { case keep, split, splitOrKeep, splitIfSure }

    /// A reading from the line reader is taken over the whole mark read as one when it holds two digits or
    /// more, each at least this surely, or when the mark read whole is no sure digit.
    static let sureLine: Float = 0.9
    /// A mark the page model reads as no digit is read as a number when the reader sees every digit surely, or
    /// three digits or more this surely on average (a word's columns look like no digit to it; a wide letter,
    /// an m or an r, may look like two unsure ones).
    static let sureNumber: Float = 0.8
    /// A digit at either end of a reading of three or more that the reader is this unsure of is the sign that
    /// ends or starts an amount (`=`, `-`, `.-`), not a digit.
    static let unsureEnd: Float = 0.6

    /// The parts of a wide mark as the line reader read it, or nil to keep the mark whole: the reader decides
    /// how many digits the mark holds, unless the classifier reads the whole mark surely as one digit and the
    /// reader does not surely see several, or reads it as no digit and the reader is unsure. Each digit's
    /// columns run from midway after the one before to midway before the one after.
    static func byLine(_ region: DigitRegion, whole: [Float], line: [CTC.Label], strip: LineStrip, lit: GrayImage,
                       labels: [Int32], style: SampleStyle) throws -> [Part]? {
        let top = whole.top.index
        let sureOne = top < 10 && whole[top] >= sureAsOne
        let probabilities = line.map(\.probability)
        let least = probabilities.min() ?? 0, mean = probabilities.reduce(0, +) / Float(max(1, line.count))
        if line.isEmpty { return nil }
        if sureOne && !(line.count >= 2 && least >= sureLine) { return nil }
        if line.count == 1 && top < 10 { return nil }
        if !sureOne && top == MarkClasses.notDigit && least < sureLine && !(line.count >= 3 && mean >= sureNumber) { return nil }
        // Unsure ends of a longer reading are signs, kept as marks that are not digits.
        var sign = [Bool](repeating: false, count: line.count)
        if line.count >= 3 {
            if line[0].probability < unsureEnd { sign[0] = true }
            if line[line.count - 1].probability < unsureEnd { sign[line.count - 1] = true }
        }
        let centers = line.map { l -> Double in
            let c = LineReader.columns(l.frames)
            return Double(c.lowerBound + c.upperBound) / 2
        }
        var parts = [Part]()
        for (k, l) in line.enumerated() {
            let from = k == 0 ? 0 : Int((centers[k - 1] + centers[k]) / 2)
            let to = k == line.count - 1 ? strip.width : Int((centers[k] + centers[k + 1]) / 2)
            let page = strip.pageColumns(from..<to).clamped(to: region.box.x..<region.box.maxX)
            guard let box = inkBox(region, columns: page, labels: labels, width: lit.width),
                  let (sample, _) = try? Normalizer.sample(region, lit: lit, labels: labels, style: style, columns: page)
            else { continue }
            var row = [Float](repeating: (1 - l.probability) / 9, count: whole.count)
            for c in 10..<whole.count { row[c] = 0 }
            row[l.label] = l.probability
            if sign[k] && whole.count > MarkClasses.notDigit {
                // A sign: "not a digit" gets half of what the reader gave its digit and all it did not.
                row = row.map { $0 * l.probability / 2 }
                row[MarkClasses.notDigit] = 1 - l.probability / 2
            }
            parts.append(Part(box: box, sample: sample, probabilities: row))
        }
        return parts.isEmpty ? nil : parts
    }

    /// How much the page model's reading of a digit the line reader found counts beside the reader's (an
    /// exponent on its probabilities). The reader learnt from MNIST's writers alone; the page model has also
    /// seen their digits cut out of touching strings, continental 1s and slashed 0s, and real numbers are
    /// read better with its word in (a 0 of "40.000" the reader took for a 2) — but a part cut at the reader's
    /// midpoints carries bits of its neighbours, so its word counts for less.
    static let pageWeight: Float = 0.5
    /// An end of a reading the page model reads as no digit this surely is a sign, not a digit, unless the
    /// reader is all but certain of its digit (`surelyOne`).
    static let sureSign: Float = 0.9

    /// A page model's row read as no digit: "not a digit" given at least `MarkClasses.otherAt`.
    static func noDigit(_ row: [Float]) -> [Float] {
        noDigit(row, at: max(MarkClasses.otherAt, row[MarkClasses.notDigit]))
    }

    /// `row` with "not a digit" set to `other` and its digits scaled, in proportion, to the rest.
    static func noDigit(_ row: [Float], at other: Float) -> [Float] {
        let digits = max(row.prefix(MarkClasses.digits).reduce(0, +), 1e-6)
        var r = row.enumerated().map { $0.offset < MarkClasses.digits ? $0.element / digits * (1 - other) : 0 }
        r[MarkClasses.notDigit] = other
        return r
    }

    /// The reader's parts of a mark with the page model's reading of each part's sample (`pageRows`, in order)
    /// joined to the reader's: the digits' probabilities multiplied (the page model's raised to `pageWeight`)
    /// and normalised to what the reader left for digits (an unsure end read as a sign stays one, unless the
    /// page model reads it as a digit).
    static func seconded(_ parts: [Part], pageRows rows: [[Float]]) -> [Part] {
        var out = parts
        for (n, row) in rows.enumerated() {
            guard var r = out[n].probabilities, row.count >= MarkClasses.digits else { continue }
            // An end the reader was unsure of (`byLine` made it a sign) that the page model reads as a digit is
            // that digit: the reader's doubt alone makes no sign of a number's first or last digit.
            if r.count > MarkClasses.notDigit && r[MarkClasses.notDigit] > 0.5 && row.count > MarkClasses.notDigit
                && row[MarkClasses.notDigit] < 0.5 && (row.prefix(MarkClasses.digits).max() ?? 0) >= 0.5 {
                out[n].probabilities = row
                continue
            }
            // The first or last of three or more that the page model is sure is no digit, and the reader not all
            // but certain is one, is the sign that starts or ends an amount (`=`, `,-`).
            if parts.count >= 3 && (n == 0 || n == parts.count - 1) && row.count > MarkClasses.notDigit
                && r.count > MarkClasses.notDigit && row[MarkClasses.notDigit] >= sureSign
                && (r.prefix(MarkClasses.digits).max() ?? 0) < surelyOne {
                out[n].probabilities = noDigit(r, at: row[MarkClasses.notDigit])
                continue
            }
            let digits = r.prefix(MarkClasses.digits).reduce(0, +)
            for d in 0..<MarkClasses.digits { r[d] *= pow(max(row[d], 1e-6), pageWeight) }
            let joint = r.prefix(MarkClasses.digits).reduce(0, +)
            guard joint > 0 else { continue }
            for d in 0..<MarkClasses.digits { r[d] *= digits / joint }
            out[n].probabilities = r
        }
        return out
    }

    /// What to do with a wide mark read whole as `w`: a model that reads pages says whether it is several
    /// digits (split it), not a digit (keep it whole: a letter or a word is not cut into digits) or one digit
    /// (keep it when sure); a digits-only model is split unless it reads the mark surely as one digit.
    static func decision(_ w: [Float], veryWide: Bool) -> Decision {
        let top = w.top.index
        if w.count >= MarkClasses.pageModel {
            if top == MarkClasses.severalDigits { return .split }
            if top == MarkClasses.notDigit { return veryWide ? .splitIfSure : .keep }
            return w[top] >= sureAsOne ? .keep : .splitOrKeep
        }
        return !veryWide && digitProbability(w) >= sureAsOne ? .keep : .splitOrKeep
    }

    /// The most probable reading of one mark as digits between cuts; nil when the whole mark as one reads best.
    static func best(_ region: DigitRegion, whole: [Float], lit: GrayImage, labels: [Int32], style: SampleStyle,
                     read: Reader, wholeAllowed: Bool, sureParts: Bool = false) throws -> [Part]? {
        let cuts = [region.box.x] + candidates(region, labels: labels, width: lit.width) + [region.box.maxX]
        let n = cuts.count - 1
        guard n >= 2 else { return nil }
        let h = Double(region.box.height)
        // Every run of pieces i..<j that could be one digit, except the whole mark (read already).
        var spans = [(Int, Int)]()
        for i in 0..<n {
            for j in (i + 1)...n where !(i == 0 && j == n) {
                let w = Double(cuts[j] - cuts[i])
                if w > widest * h { break }
                if w >= max(2, narrowest * h) { spans.append((i, j)) }
            }
        }
        var samples = [[Float]](), kept = [(Int, Int, Box)](), flat = [Bool]()
        for (i, j) in spans {
            guard let box = inkBox(region, columns: cuts[i]..<cuts[j], labels: labels, width: lit.width),
                  let (sample, _) = try? Normalizer.sample(region, lit: lit, labels: labels, style: style, columns: cuts[i]..<cuts[j])
            else { continue }
            samples.append(sample)
            kept.append((i, j, box))
            // A part a quarter of the mark's height or less is a dash or a dot, whatever it looks like alone.
            flat.append(Double(box.height) < 0.25 * h)
        }
        guard !samples.isEmpty else { return nil }
        var rows = try read(samples)
        let other = (0..<rows[0].count).map { Float($0 == MarkClasses.notDigit ? 1 : 0) }
        for k in rows.indices where flat[k] && rows[k].count > MarkClasses.notDigit { rows[k] = other }
        // Best path over the cuts: the sum of the log-probabilities that each part is a digit.
        var score = [Double](repeating: -.infinity, count: n + 1), back = [Int](repeating: -1, count: n + 1)
        score[0] = 0
        var into = [[(Int, Int)]](repeating: [], count: n + 1)  // (index into kept, from)
        for (k, s) in kept.enumerated() { into[s.1].append((k, s.0)) }
        for j in 1...n {
            // With sure parts only, a part read less surely cannot be on the path at all.
            for (k, i) in into[j] where score[i] > -.infinity && (!sureParts || partScore(rows[k]).p >= sureAsOne) {
                let v = score[i] + partScore(rows[k]).score
                if v > score[j] { score[j] = v; back[j] = k }
            }
        }
        let asOne = wholeAllowed ? log(Double(max(digitProbability(whole), 1e-6))) : -Double.infinity
        guard score[n] > asOne, score[n] > -.infinity else { return nil }
        var parts = [Part](), j = n, least: Float = 1, digits = 0
        while j > 0 {
            let k = back[j]
            parts.append(Part(box: kept[k].2, sample: samples[k], probabilities: rows[k]))
            let s = partScore(rows[k])
            least = min(least, s.p)
            if s.digit { digits += 1 }
            j = kept[k].0
        }
        guard digits > 0 else { return nil }
        // Sure parts: every one read as surely as a mark read whole is kept whole.
        if sureParts && least < sureAsOne { return nil }
        return parts.reversed()
    }

    /// Candidate cut columns inside the mark: where few of its pixels lie in the column, and where its upper
    /// outline dips or its lower outline rises; at most `maxCuts`, the thinnest first, none at the very ends.
    static func candidates(_ region: DigitRegion, labels: [Int32], width: Int) -> [Int] {
        let b = region.box, wanted = Set(region.labels)
        var count = [Int](repeating: 0, count: b.width)
        var top = [Int](repeating: b.height, count: b.width), bottom = [Int](repeating: -1, count: b.width)
        for y in 0..<b.height {
            let row = (b.y + y) * width + b.x
            for x in 0..<b.width where labels[row + x] != 0 && wanted.contains(labels[row + x]) {
                count[x] += 1
                top[x] = min(top[x], y)
                bottom[x] = max(bottom[x], y)
            }
        }
        let margin = max(2, Int(narrowest * Double(b.height)))
        guard b.width > 2 * margin else { return [] }
        var found = [(x: Int, cost: Int)]()
        let reach = max(2, b.height / 12)
        for x in margin..<(b.width - margin) {
            let lo = max(0, x - reach), hi = min(b.width - 1, x + reach)
            let window = lo...hi
            let thinnest = count[x] == window.map { count[$0] }.min()
            let dip = top[x] == window.map { top[$0] }.max() && top[x] > top[lo] && top[x] > top[hi]
            let rise = bottom[x] == window.map { bottom[$0] }.min() && bottom[x] < bottom[lo] && bottom[x] < bottom[hi]
            if thinnest || dip || rise { found.append((x, count[x])) }
        }
        // Neighbouring columns of one valley give one cut: its thinnest column.
        var cuts = [(x: Int, cost: Int)]()
        for f in found {
            if let last = cuts.last, f.x - last.x <= 2 {
                if f.cost < last.cost { cuts[cuts.count - 1] = f }
            } else {
                cuts.append(f)
            }
        }
        return cuts.sorted { $0.cost < $1.cost }.prefix(maxCuts).map { b.x + $0.x }.sorted()
    }

    /// The box of the mark's ink within `columns`.
    static func inkBox(_ region: DigitRegion, columns: Range<Int>, labels: [Int32], width: Int) -> Box? {
        let b = region.box, wanted = Set(region.labels)
        var x0 = Int.max, x1 = Int.min, y0 = Int.max, y1 = Int.min
        for y in b.y..<b.maxY {
            for x in columns where labels[y * width + x] != 0 && wanted.contains(labels[y * width + x]) {
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        return x0 > x1 ? nil : Box(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }
}
