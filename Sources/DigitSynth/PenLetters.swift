import DigitImage
import DigitNet
import DigitReport
import Foundation

/// Letters written with a pen rather than set in a font. Each letter is a few strokes through points in a unit
/// box (x to the right, y down; small letters stand between 0.45 and 1, ascenders reach 0, descenders 1.35),
/// and each time it is written in another hand: slanted, wider or narrower, turned a little, every point moved
/// a little, each stroke drawn smoothly through its points with a pen of its own width. Letters that no one
/// could tell from a digit alone (O, I, l, S, Z, B, g, q, J, T) are not among them.
public enum PenLetters {
    /// Strokes separated by `|`, points `x,y` by spaces.
    static let shapes: [Character: String] = [
        "a": "0.75,0.55 0.6,0.45 0.4,0.47 0.25,0.6 0.25,0.85 0.4,1 0.6,0.95 0.75,0.8 | 0.75,0.45 0.75,1",
        "b": "0.25,0 0.25,1 | 0.25,0.65 0.4,0.48 0.6,0.47 0.75,0.6 0.75,0.85 0.6,1 0.4,1 0.25,0.9",
        "c": "0.75,0.55 0.6,0.45 0.4,0.47 0.25,0.62 0.25,0.85 0.4,1 0.6,1 0.75,0.92",
        "d": "0.75,0 0.75,1 | 0.75,0.6 0.6,0.47 0.4,0.47 0.25,0.6 0.25,0.85 0.4,1 0.6,1 0.75,0.88",
        "e": "0.25,0.72 0.75,0.72 0.72,0.55 0.55,0.45 0.38,0.48 0.25,0.62 0.25,0.85 0.4,1 0.6,1 0.75,0.9",
        "f": "0.7,0.05 0.55,0 0.42,0.1 0.42,1 | 0.25,0.45 0.65,0.45",
        "h": "0.25,0 0.25,1 | 0.25,0.62 0.4,0.47 0.6,0.47 0.72,0.6 0.72,1",
        "k": "0.25,0 0.25,1 | 0.7,0.45 0.25,0.75 | 0.4,0.67 0.72,1",
        "m": "0.15,0.45 0.15,1 | 0.15,0.55 0.3,0.45 0.45,0.5 0.48,1 | 0.48,0.55 0.63,0.45 0.78,0.5 0.8,1",
        "n": "0.25,0.45 0.25,1 | 0.25,0.58 0.4,0.46 0.6,0.47 0.72,0.6 0.72,1",
        "p": "0.25,0.45 0.25,1.35 | 0.25,0.6 0.4,0.46 0.6,0.47 0.75,0.6 0.75,0.85 0.6,1 0.4,1 0.25,0.9",
        "r": "0.3,0.45 0.3,1 | 0.3,0.62 0.45,0.48 0.6,0.45 0.72,0.5",
        "t": "0.45,0.1 0.45,0.92 0.55,1 0.7,0.97 | 0.25,0.45 0.7,0.45",
        "u": "0.25,0.45 0.25,0.85 0.38,1 0.6,1 0.75,0.85 | 0.75,0.45 0.75,1",
        "v": "0.2,0.45 0.5,1 0.8,0.45",
        "w": "0.1,0.45 0.3,1 0.5,0.6 0.7,1 0.9,0.45",
        "x": "0.25,0.45 0.75,1 | 0.75,0.45 0.25,1",
        "y": "0.25,0.45 0.5,0.95 | 0.75,0.45 0.4,1.35",
        "A": "0.15,1 0.5,0 0.85,1 | 0.3,0.6 0.7,0.6",
        "C": "0.8,0.15 0.6,0 0.35,0.05 0.2,0.3 0.2,0.7 0.35,0.95 0.6,1 0.8,0.85",
        "D": "0.25,0 0.25,1 | 0.25,0 0.55,0.03 0.75,0.2 0.8,0.5 0.75,0.8 0.55,0.97 0.25,1",
        "E": "0.75,0 0.25,0 0.25,1 0.75,1 | 0.25,0.5 0.65,0.5",
        "F": "0.75,0 0.25,0 0.25,1 | 0.25,0.5 0.65,0.5",
        "G": "0.8,0.15 0.6,0 0.35,0.05 0.2,0.3 0.2,0.7 0.35,0.95 0.6,1 0.8,0.85 0.8,0.6 0.55,0.6",
        "H": "0.2,0 0.2,1 | 0.8,0 0.8,1 | 0.2,0.5 0.8,0.5",
        "K": "0.25,0 0.25,1 | 0.75,0 0.25,0.55 | 0.4,0.45 0.78,1",
        "L": "0.25,0 0.25,1 0.75,1",
        "M": "0.1,1 0.15,0 0.5,0.7 0.85,0 0.9,1",
        "N": "0.2,1 0.2,0 0.8,1 0.8,0",
        "P": "0.25,1 0.25,0 0.6,0 0.75,0.12 0.75,0.38 0.6,0.5 0.25,0.5",
        "Q": "0.5,0 0.25,0.1 0.15,0.4 0.2,0.75 0.45,0.95 0.7,0.9 0.85,0.6 0.82,0.25 0.65,0.05 0.5,0 | 0.55,0.7 0.9,1.05",
        "R": "0.25,1 0.25,0 0.6,0 0.75,0.12 0.75,0.38 0.6,0.5 0.25,0.5 | 0.45,0.5 0.8,1",
        "U": "0.2,0 0.2,0.75 0.35,0.97 0.65,0.97 0.8,0.75 0.8,0",
        "V": "0.15,0 0.5,1 0.85,0",
        "W": "0.05,0 0.28,1 0.5,0.35 0.72,1 0.95,0",
        "X": "0.2,0 0.8,1 | 0.8,0 0.2,1",
        "Y": "0.2,0 0.5,0.5 | 0.8,0 0.5,0.5 0.5,1",
    ]

    /// Each letter's strokes as points.
    static let strokes: [(Character, [[(Double, Double)]])] = shapes.keys.sorted().map { letter in
        (letter, (shapes[letter] ?? "").split(separator: "|").map { stroke in
            stroke.split(separator: " ").compactMap { point -> (Double, Double)? in
                let xy = point.split(separator: ",").compactMap { Double($0) }
                return xy.count == 2 ? (xy[0], xy[1]) : nil
            }
        })
    }

    /// A letter written in a hand of its own, dark ink on white.
    public static func write(_ rng: inout RandomSource) -> GrayImage {
        let (_, letter) = strokes[Int(rng.next() % UInt64(strokes.count))]
        let height = 56.0, slant = Double(rng.uniform(-0.35, 0.3)), wide = Double(rng.uniform(0.75, 1.25))
        let turn = Double(rng.uniform(-0.14, 0.14)), pen = height * Double(rng.uniform(0.05, 0.13))
        let margin = 20.0
        let paths = letter.map { stroke in
            stroke.map { p -> (Double, Double) in
                var x = (p.0 + 0.03 * Double(rng.normal())) * wide, y = p.1 + 0.03 * Double(rng.normal())
                x += slant * (1 - y)
                // Turned about the middle of the line.
                let dx = x - 0.5 * wide, dy = y - 0.7
                x = 0.5 * wide + dx * cos(turn) - dy * sin(turn); y = 0.7 + dx * sin(turn) + dy * cos(turn)
                return (margin + (x + 0.4) * height, margin + (y + 0.1) * height)
            }
        }
        return renderImage(width: Int((wide + 1.3) * height + 2 * margin), height: Int(1.7 * height + 2 * margin)) { c in
            c.fill(.white)
            for path in paths { c.polyline(smooth(path).map { Optional($0) }, color: .black, width: pen) }
        }
    }

    /// A Catmull-Rom curve through `points`, eight steps between each two.
    static func smooth(_ points: [(Double, Double)]) -> [(Double, Double)] {
        guard points.count >= 3 else { return points }
        var out = [(Double, Double)]()
        for i in 0..<(points.count - 1) {
            let p0 = points[max(0, i - 1)], p1 = points[i], p2 = points[i + 1], p3 = points[min(points.count - 1, i + 2)]
            for s in 0..<8 {
                let t = Double(s) / 8, t2 = t * t, t3 = t2 * t
                func at(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double {
                    0.5 * (2 * b + (c - a) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (3 * b - a - 3 * c + d) * t3)
                }
                out.append((at(p0.0, p1.0, p2.0, p3.0), at(p0.1, p1.1, p2.1, p3.1)))
            }
        }
        out.append(points[points.count - 1])
        return out
    }
}
