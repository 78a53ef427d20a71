/// Strikes a training 0 through with a slash from below its lower left to above its upper right, as many
/// writers (engineers, most of continental Europe) tell their zeros from the letter O. MNIST's writers
/// seldom did, so a model trained on it alone reads a slashed zero as an 8, a 6 or no digit at all.
public struct SlashedZero: Sendable, Equatable {
    /// Chance that a training 0 gets a slash.
    public var probability: Float
    /// How far the slash runs past the zero's box at each end, as a fraction of the box's height.
    public var overshoot: ClosedRange<Float> = 0...0.15
    /// Widths the slash's stroke is kept within, in pixels (MNIST's 28x28 by default).
    public var widths: ClosedRange<Float> = 1.2...4

    public init(probability: Float, overshoot: ClosedRange<Float> = 0...0.15, widths: ClosedRange<Float> = 1.2...4) {
        self.probability = probability; self.overshoot = overshoot; self.widths = widths
    }

    /// With chance `probability`, draws a slash through `image` (side×side, ink bright on black, values in
    /// [0,1]) in a stroke as wide as the zero's own. Returns whether it drew one.
    @discardableResult
    public func apply(_ image: UnsafeMutablePointer<Float>, side: Int, rng: inout RandomSource) -> Bool {
        apply(image, columns: side, rows: side, rng: &rng)
    }

    /// The same on an image `columns` wide and `rows` high holding one zero.
    @discardableResult
    public func apply(_ image: UnsafeMutablePointer<Float>, columns: Int, rows: Int, rng: inout RandomSource) -> Bool {
        guard rng.uniform() < probability else { return false }
        let peak = UnsafeBufferPointer(start: image, count: columns * rows).max() ?? 0
        guard peak > 0.3 else { return false }
        var top = rows, bottom = -1, left = columns, right = -1
        var mass: Float = 0
        for y in 0..<rows {
            for x in 0..<columns {
                let v = image[y * columns + x]
                mass += v
                if v > 0.5 * peak { top = min(top, y); bottom = max(bottom, y); left = min(left, x); right = max(right, x) }
            }
        }
        guard bottom - top >= 4, right - left >= 2 else { return false }
        let w = Float(right - left), h = Float(bottom - top)
        // A ring's ink is its stroke width times its perimeter (about π times the mean of width and height).
        let width = min(max(mass / (peak * Float.pi * (w + h) / 2), widths.lowerBound), widths.upperBound)
        let over = rng.uniform(overshoot.lowerBound, overshoot.upperBound) * h
        let inLeft = rng.uniform(-0.1, 0.15) * w, inRight = rng.uniform(-0.1, 0.15) * w
        let a = (Float(left) + inLeft, Float(bottom) + over), b = (Float(right) - inRight, Float(top) - over)
        FlaggedOne.drawSegment(image, columns: columns, rows: rows, from: a, to: b, width: width, ink: peak)
        return true
    }
}
