import DigitImage
import DigitNet
import DigitVision
import Foundation

/// Training strips for the line reader (`LineReader`), each with the digits it reads: numbers of one to eight
/// MNIST training digits (a quarter of the longer ones ending in zeros, some with a digit written twice, some
/// 0s slashed), half of them touching, some with the dots, dashes, `=` and underlines that amounts carry; and
/// marks that read as nothing — words, letters and symbols in handwriting fonts, and strokes.
public struct LineSamples {
    var notDigits: NotDigits
    var rng: RandomSource
    /// The images of each digit, for numbers that end in zeros or repeat a digit.
    let byDigit: [[Int]]

    /// Draws digits from `digits` (MNIST training images, ink bright).
    public init(digits: LabeledImages, seed: UInt64) {
        notDigits = NotDigits(digits: digits, seed: seed &+ 1)
        rng = RandomSource(seed: seed, 7)
        var byDigit = [[Int]](repeating: [], count: 10)
        for i in 0..<digits.count where digits.labels[i] < 10 { byDigit[Int(digits.labels[i])].append(i) }
        self.byDigit = byDigit
    }

    /// An image of digit `d`, or of any digit when there is none of it.
    mutating func image(of d: Int) -> Int {
        byDigit[d].isEmpty ? Int(rng.next() % UInt64(notDigits.digits.count)) : byDigit[d][Int(rng.next() % UInt64(byDigit[d].count))]
    }

    /// The images of a number of `n` digits: any digits; or, as amounts are written, ending in zeros; or with
    /// one digit written twice in a row (repeats are the hardest to read run together).
    mutating func number(_ n: Int) -> [Int] {
        var indices = (0..<n).map { _ in Int(rng.next() % UInt64(notDigits.digits.count)) }
        let r = rng.uniform()
        if n >= 3 && r < 0.25 {
            let zeros = 1 + Int(rng.next() % UInt64(min(4, n - 1)))
            for k in (n - zeros)..<n { indices[k] = image(of: 0) }
        } else if n >= 2 && r < 0.4 {
            let k = Int(rng.next() % UInt64(n - 1))
            indices[k + 1] = image(of: Int(notDigits.digits.labels[indices[k]]))
        }
        return indices
    }

    /// The next strip and its digits.
    public mutating func next() -> (strip: LineStrip, digits: [Int]) {
        while true {
            let k = rng.uniform()
            var picture: GrayImage, digits = [Int]()
            if k < 0.72 {
                let r = rng.uniform()
                let n = r < 0.1 ? 1 : r < 0.3 ? 2 : r < 0.5 ? 3 : 4 + Int(rng.next() % 5)
                let indices = number(n)
                let s = DigitString.make(indices, of: notDigits.digits, touching: rng.uniform() < 0.5,
                                         slashedZeros: rng.uniform() < 0.1 ? 0.8 : 0, rng: &rng)
                picture = s.picture
                if !s.touching && rng.uniform() < 0.3 { joinUp(&picture, spans: s.spans) }
                if rng.uniform() < 0.35 { marks(&picture, spans: s.spans) }
                digits = indices.map { Int(notDigits.digits.labels[$0]) }
            } else if k < 0.94 {
                picture = notDigits.glyphs()
            } else {
                picture = notDigits.strokes()
            }
            picture = picture.inAnotherHand(&rng)
            let height = Double(rng.uniform(17, 22)), lift = Double(rng.uniform(-1.5, 1.5))
            guard let strip = LineStrip.make(ofInk: picture, inkHeight: height, lift: lift),
                  LineReader.frames(width: strip.width) >= 2 * digits.count + 1 else { continue }
            return (strip, digits)
        }
    }

    /// Marks that go with a written amount and are not digits: a dot or comma between two digits, a dash or
    /// `=` after the last, a rule under them.
    mutating func marks(_ picture: inout GrayImage, spans: [Range<Int>]) {
        var bottom = 0, top = picture.height
        for y in 0..<picture.height {
            for x in 0..<picture.width where picture[x, y] < 128 { bottom = max(bottom, y); top = min(top, y); break }
        }
        let h = Double(max(1, bottom - top)), pen = max(1.5, h / 12)
        switch rng.next() % 4 {
        case 0 where spans.count >= 2:
            let k = 1 + Int(rng.next() % UInt64(spans.count - 1))
            let x = Double(spans[k - 1].upperBound + spans[k].lowerBound) / 2
            dab(&picture, x, Double(bottom) - pen, radius: pen * 0.8)
        case 1:
            let x = Double(spans.last?.upperBound ?? 0) + h * 0.25
            let y = Double(top) + h * Double(rng.uniform(0.45, 0.6))
            rule(&picture, x, x + h * Double(rng.uniform(0.3, 0.6)), y, pen: pen)
            if rng.uniform() < 0.5 { rule(&picture, x, x + h * 0.5, y + h * 0.2, pen: pen) }
        case 2:
            let y = Double(bottom) + pen * Double(rng.uniform(-0.5, 1.5))
            rule(&picture, Double(spans.first?.lowerBound ?? 0), Double(spans.last?.upperBound ?? 0), y, pen: pen)
        default:
            break
        }
    }

    /// Joined-up writing: a thin stroke from the foot of each digit to the next one's side, as a pen that is
    /// not lifted leaves between digits.
    mutating func joinUp(_ picture: inout GrayImage, spans: [Range<Int>]) {
        func rows(_ span: Range<Int>) -> (top: Int, bottom: Int)? {
            var top = Int.max, bottom = -1
            for y in 0..<picture.height {
                for x in span where x < picture.width && picture[x, y] < 128 { top = min(top, y); bottom = max(bottom, y); break }
            }
            return bottom >= 0 ? (top, bottom) : nil
        }
        for k in 1..<max(1, spans.count) {
            guard let a = rows(spans[k - 1]), let b = rows(spans[k]) else { continue }
            let h = Double(a.bottom - a.top)
            let x0 = Double(spans[k - 1].upperBound) - h * 0.08, y0 = Double(a.bottom) - h * Double(rng.uniform(0, 0.3))
            let x1 = Double(spans[k].lowerBound) + h * 0.08, y1 = Double(b.top) + Double(b.bottom - b.top) * Double(rng.uniform(0.2, 0.7))
            let pen = max(1.5, h / 14)
            let steps = Int(max(abs(x1 - x0), abs(y1 - y0))) + 1
            for i in 0...steps {
                let t = Double(i) / Double(steps)
                // A shallow curve: the stroke dips before it rises into the next digit.
                let x = x0 + (x1 - x0) * t, y = y0 + (y1 - y0) * t + h * 0.15 * sin(Double.pi * t)
                dab(&picture, x, y, radius: pen / 2)
            }
        }
    }

    private func dab(_ p: inout GrayImage, _ cx: Double, _ cy: Double, radius r: Double) {
        let ya = max(0, Int(cy - r)), yb = min(p.height - 1, Int(cy + r)), xa = max(0, Int(cx - r)), xb = min(p.width - 1, Int(cx + r))
        guard ya <= yb, xa <= xb else { return }
        for y in ya...yb {
            for x in xa...xb where (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy) <= r * r {
                p[x, y] = 0
            }
        }
    }

    private func rule(_ p: inout GrayImage, _ x0: Double, _ x1: Double, _ y: Double, pen: Double) {
        let ya = max(0, Int(y - pen / 2)), yb = min(p.height - 1, Int(y + pen / 2))
        let xa = max(0, Int(x0)), xb = min(p.width, max(Int(x0) + 1, Int(x1)))
        guard ya <= yb, xa < xb else { return }
        for yy in ya...yb {
            for x in xa..<xb { p[x, yy] = 0 }
        }
    }
}
