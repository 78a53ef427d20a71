import DigitImage
import DigitNet
import DigitReport
import DigitVision
import Foundation

/// Marks that are not digits, drawn the ways they turn up on real pages, each made into a 28x28 sample by
/// the pipeline's own normalisation: two or three digits run together (a mark must be read as several, never
/// as one), pieces of a digit, letters, words and symbols in handwriting fonts, and drawn strokes — dashes,
/// dots, scribbles, frames, crosses, stains and noise.
public struct NotDigits {
    /// Handwriting fonts that Debian packages (`scripts/setup-fonts` installs them), and a print font.
    public static let fonts = ["DkgHandwriting", "Humor Sans", "Breip", "Klee One", "femkeklaver", "Rufscript", "Because We Build",
                               "Because We Connect", "Because We Create", "Because We Learn", "Because We Mentor",
                               "Because We Organize", "Dancing Script", "Ecolier_court", "Comic Neue", "DejaVu Sans"]
    /// Letters that no one could tell from a digit on their own (O and 0, I and 1, S and 5, Z and 2, B and 8,
    /// g and q and 9, J and T and 1, …) are left out as single letters; they appear inside words.
    static let letters = Array("ACDEFGHKLMNPQRUVWXYabcdefhkmnprtuvwxy")
    static let symbols = ["+", "−", "×", "÷", "=", "%", "(", ")", "→", "←", "↑", "*", "#", "&", "@", "?", "<", ">", "~", "−−", "+−", "€"]
    static let words = ["the", "and", "Name", "Date", "total", "sum", "page", "from", "March", "June", "Mr", "km", "kg",
                        "Yes", "No", "Paid", "Box", "Street", "cash", "net", "tax", "amount", "signed", "Mon", "Dec",
                        "hello", "world", "Anna", "Peter", "Smith", "ok", "cm", "EUR", "Tel", "Nr", "Fax", "Apt"]

    let digits: LabeledImages
    var rng: RandomSource

    /// Draws from `digits` (MNIST training images, ink bright) for the pairs and pieces.
    public init(digits: LabeledImages, seed: UInt64) {
        self.digits = digits
        rng = RandomSource(seed: seed)
    }

    /// The next sample (784 bytes, ink bright) and its class: `MarkClasses.severalDigits` for digits run
    /// together, `MarkClasses.notDigit` for the rest.
    public mutating func next() -> ([UInt8], UInt8) {
        while true {
            let k = rng.uniform()
            let picture: GrayImage?, columns: Range<Int>?
            var label = UInt8(MarkClasses.notDigit)
            if k < 0.35 {
                (picture, columns) = (runTogether(), nil)
                label = UInt8(MarkClasses.severalDigits)
            } else if k < 0.43 {
                (picture, columns) = piece()
            } else if k < 0.8 {
                (picture, columns) = (glyphs().inAnotherHand(&rng), nil)
            } else {
                (picture, columns) = (strokes(), nil)
            }
            guard let picture, let sample = try? Normalizer.sample(ofMark: picture, columns: columns) else { continue }
            return (sample.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }, label)
        }
    }

    private mutating func anyDigit(except excluded: Set<UInt8> = []) -> Int {
        while true {
            let i = Int(rng.next() % UInt64(digits.count))
            if !excluded.contains(digits.labels[i]) { return i }
        }
    }

    /// Two to six digits whose strokes touch or overlap: one mark, several digits (mostly two or three).
    mutating func runTogether() -> GrayImage {
        let k = rng.uniform()
        let n = k < 0.5 ? 2 : k < 0.75 ? 3 : k < 0.88 ? 4 : k < 0.95 ? 5 : 6
        let s = DigitString.make((0..<n).map { _ in anyDigit() }, of: digits, touching: rng.uniform() < 0.85, rng: &rng)
        return s.picture
    }

    /// A sliver of a digit, a fifth to two fifths of it, cut from its left or right (a 1 is left out: any piece
    /// of it is a 1; so is an 8's right half, which is a 3).
    mutating func piece() -> (GrayImage, Range<Int>) {
        let s = DigitString.make([anyDigit(except: [1])], of: digits, touching: false, rng: &rng)
        let span = s.spans[0], w = span.count
        let part = Int(Double(w) * Double(rng.uniform(0.2, 0.4)))
        let columns = rng.uniform() < 0.5 ? span.lowerBound..<(span.lowerBound + max(1, part))
                                          : (span.upperBound - max(1, part))..<span.upperBound
        return (s.picture, columns)
    }

    /// A letter, a symbol or a word in one of the handwriting fonts, or a letter written with a pen
    /// (`PenLetters`).
    mutating func glyphs() -> GrayImage {
        let font = Self.fonts[Int(rng.next() % UInt64(Self.fonts.count))]
        let k = rng.uniform()
        let text: String
        if k < 0.25 {
            return PenLetters.write(&rng)
        } else if k < 0.5 {
            text = String(Self.letters[Int(rng.next() % UInt64(Self.letters.count))])
        } else if k < 0.7 {
            text = Self.symbols[Int(rng.next() % UInt64(Self.symbols.count))]
        } else {
            text = Self.words[Int(rng.next() % UInt64(Self.words.count))]
        }
        let size = Double(rng.uniform(40, 80))
        let width = Int(size * Double(text.count + 1)), height = Int(size * 2)
        return renderImage(width: width, height: height) { c in
            c.fill(.white)
            c.text(text, x: size * 0.4, y: size * 1.3, size: size, color: .black, font: font)
        }
    }

    /// Strokes that are not writing: dashes, dots, scribbles, frames, crosses, stains, noise.
    mutating func strokes() -> GrayImage {
        let side = 100.0, w = Double(rng.uniform(2, 7))
        let kind = Int(rng.next() % 7)
        var r = rng
        let image = renderImage(width: Int(side * 2), height: Int(side)) { c in
            c.fill(.white)
            switch kind {
            case 0:  // a dash or a rule, a little off level
                let y = side / 2, len = Double(r.uniform(30, 190))
                c.line(5, y, 5 + len, y + Double(r.uniform(-6, 6)), color: .black, width: w)
            case 1:  // dots
                for _ in 0..<(1 + Int(r.next() % 3)) {
                    c.circle(Double(r.uniform(10, 190)), Double(r.uniform(20, 80)), radius: Double(r.uniform(2, 8)), color: .black)
                }
            case 2:  // a scribble
                var points = [(Double, Double)?]()
                var x = Double(r.uniform(20, 60)), y = Double(r.uniform(20, 80))
                for _ in 0..<(8 + Int(r.next() % 16)) {
                    x = min(195, max(5, x + Double(r.uniform(-30, 40)))); y = min(95, max(5, y + Double(r.uniform(-35, 35))))
                    points.append((x, y))
                }
                c.polyline(points, color: .black, width: w)
            case 3:  // a frame
                let x0 = Double(r.uniform(5, 40)), y0 = Double(r.uniform(5, 30))
                c.rect(x0, y0, Double(r.uniform(50, 150)), Double(r.uniform(40, 65)), stroke: .black, lineWidth: w)
            case 4:  // a cross or a star
                let cx = 100.0, cy = 50.0, a = Double(r.uniform(25, 45))
                c.line(cx - a, cy - a, cx + a, cy + a, color: .black, width: w)
                c.line(cx - a, cy + a, cx + a, cy - a, color: .black, width: w)
                if r.uniform() < 0.4 { c.line(cx - a, cy, cx + a, cy, color: .black, width: w) }
            case 5:  // a stain: overlapping blots
                for _ in 0..<(2 + Int(r.next() % 5)) {
                    c.circle(Double(r.uniform(70, 130)), Double(r.uniform(30, 70)), radius: Double(r.uniform(8, 25)), color: .black)
                }
            default:  // noise: specks over an area
                for _ in 0..<(40 + Int(r.next() % 120)) {
                    c.circle(Double(r.uniform(20, 180)), Double(r.uniform(10, 90)), radius: Double(r.uniform(0.8, 3)), color: .black)
                }
            }
        }
        rng = r
        return image
    }
}
