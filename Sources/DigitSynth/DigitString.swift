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
                moved.slash(scale: s, rng: &rng)
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
    /// A slash through the canvas's one zero (`SlashedZero`), for a digit scaled `scale` times MNIST's size.
    mutating func slash(scale: Double, rng: inout RandomSource) {
        let zero = SlashedZero(probability: 1, overshoot: 0.05...0.2, widths: Float(1.2 * scale)...Float(4 * scale))
        let (columns, rows) = (width, height)
        ink.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            zero.apply(base, columns: columns, rows: rows, rng: &rng)
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
