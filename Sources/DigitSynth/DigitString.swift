import DigitImage
import DigitNet

/// A handwritten number made of MNIST digits: each scaled and set on a common baseline with some jitter,
/// apart, or pushed into its neighbour until their strokes touch or overlap.
public struct DigitString {
    /// The digits' ink, dark on white, and the columns each digit spans.
    var canvas: InkCanvas
    public var label: String
    public var spans: [Range<Int>]
    public var touching: Bool

    /// The string as a clean picture, dark ink on white.
    public var picture: GrayImage { canvas.picture }

    /// The string on synthetic paper.
    public func onPaper(_ rng: inout RandomSource) -> GrayImage { canvas.onPaper(&rng) }

    /// Composes `indices` of `images` (28x28, ink bright) left to right. `touching`: each digit is moved
    /// against the one before until their strokes meet and overlap by a pixel or two; otherwise a gap
    /// of a tenth to a half of a digit's height is left between them. Each 0 is struck through with probability
    /// `slashedZeros`, as many writers tell their zeros from the letter O.
    public static func make(_ indices: [Int], of images: LabeledImages, touching: Bool, slashedZeros: Float = 0,
                            rng: inout RandomSource) -> DigitString {
        let scale = Double(rng.uniform(1.6, 3.0))
        let side = Int((28 * scale).rounded(.up))
        let margin = Int(8 * scale)
        let width = indices.count * side + 2 * margin, height = side + 2 * margin + Int(6 * scale)
        var layers = [InkCanvas]()
        var spans = [Range<Int>]()
        var right = [Int](repeating: Int.min, count: height)  // rightmost ink per row so far
        var x = Double(margin)
        for (n, i) in indices.enumerated() {
            let s = scale * Double(rng.uniform(0.9, 1.1))
            let y = Double(margin) + Double(rng.uniform(-2.5, 2.5)) * scale
            var layer = InkCanvas(width: width, height: height)
            layer.stamp(images.pixels[(i * 784)..<((i + 1) * 784)], at: 0, y, scale: s)
            let (left, minX, maxX) = profile(layer)
            guard minX <= maxX else { continue }
            var shift: Int
            if n == 0 {
                shift = Int(x) - minX
            } else {
                // The smallest gap between this digit's left edge and the ink before it, row by row.
                var gap = Int.max
                for r in 0..<height where left[r] != Int.max && right[r] != Int.min { gap = min(gap, left[r] - right[r]) }
                if gap == Int.max { gap = minX - (spans.last?.upperBound ?? 0) }
                let want = touching ? -Int((Double(rng.uniform(0, 0.3)) * scale).rounded()) - 1
                                    : Int(Double(rng.uniform(0.1, 0.5)) * 28 * scale)
                shift = want - gap
            }
            var moved = InkCanvas(width: width, height: height)
            moved.stamp(images.pixels[(i * 784)..<((i + 1) * 784)], at: Double(shift), y, scale: s)
            if images.labels[i] == 0 && slashedZeros > 0 && rng.uniform() < slashedZeros {
                moved.slash(pen: s * Double(rng.uniform(0.8, 1.4)), rng: &rng)
            }
            layers.append(moved)
            let (_, a, b) = profile(moved)
            spans.append(a..<(b + 1))
            for r in 0..<height {
                for c in stride(from: width - 1, through: 0, by: -1) where moved.ink[r * width + c] > 0.3 {
                    right[r] = max(right[r], c)
                    break
                }
            }
            x = Double(b + 1)
        }
        var canvas = InkCanvas(width: width, height: height)
        for l in layers { for k in canvas.ink.indices { canvas.ink[k] = min(1, canvas.ink[k] + l.ink[k]) } }
        let label = indices.map { String(images.labels[$0]) }.joined()
        return DigitString(canvas: canvas.cropped(to: (spans.first?.lowerBound ?? 0) - margin, (spans.last?.upperBound ?? width) + margin),
                           label: label, spans: spans.map { ($0.lowerBound - (spans.first?.lowerBound ?? 0) + margin)..<($0.upperBound - (spans.first?.lowerBound ?? 0) + margin) },
                           touching: touching)
    }

    /// Per row, the leftmost ink column (Int.max where none); the ink's first and last columns.
    static func profile(_ c: InkCanvas) -> (left: [Int], minX: Int, maxX: Int) {
        var left = [Int](repeating: Int.max, count: c.height)
        var minX = Int.max, maxX = Int.min
        for r in 0..<c.height {
            for x in 0..<c.width where c.ink[r * c.width + x] > 0.3 {
                left[r] = min(left[r], x); minX = min(minX, x); maxX = max(maxX, x)
            }
        }
        return (left, minX, maxX)
    }
}

extension InkCanvas {
    /// A stroke through the ink from below its lower left to above its upper right (a slashed zero's).
    mutating func slash(pen: Double, rng: inout RandomSource) {
        var top = height, bottom = -1, left = width, right = -1
        for y in 0..<height {
            for x in 0..<width where ink[y * width + x] > 0.3 {
                top = min(top, y); bottom = max(bottom, y); left = min(left, x); right = max(right, x)
            }
        }
        guard bottom > top, right > left else { return }
        let w = Double(right - left), h = Double(bottom - top), over = Double(rng.uniform(0.05, 0.2))
        let x0 = Double(left) + w * Double(rng.uniform(-0.1, 0.15)), y0 = Double(bottom) + h * over
        let x1 = Double(right) - w * Double(rng.uniform(-0.1, 0.15)), y1 = Double(top) - h * over
        let steps = Int(max(abs(x1 - x0), abs(y1 - y0))) + 1, r = pen / 2
        for k in 0...steps {
            let t = Double(k) / Double(steps), cx = x0 + (x1 - x0) * t, cy = y0 + (y1 - y0) * t
            for y in max(0, Int(cy - r))...min(height - 1, Int(cy + r)) {
                for x in max(0, Int(cx - r))...min(width - 1, Int(cx + r))
                where (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy) <= r * r {
                    ink[y * width + x] = 1
                }
            }
        }
    }

    /// Columns [x0, x1) of the canvas (clamped), the full height.
    func cropped(to x0: Int, _ x1: Int) -> InkCanvas {
        let a = max(0, x0), b = min(width, max(a + 1, x1))
        var out = InkCanvas(width: b - a, height: height)
        for y in 0..<height { for x in a..<b { out.ink[y * out.width + x - a] = ink[y * width + x] } }
        return out
    }
}
