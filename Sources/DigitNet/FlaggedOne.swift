/// Turns a plain 1 into a continental 1 by drawing its flag: a short stroke running down and to the left
/// from the top of the stem. MNIST's writers were American and rarely wrote the flag, so a model trained on
/// MNIST alone reads most European 1s as 7s; this teaches it the other way of writing the digit.
public struct FlaggedOne: Sendable, Equatable {
    /// Chance that a training 1 gets a flag (straight 1s only).
    public var probability: Float
    /// Angle between the flag and the stem, in degrees, the flag turned to the left of the stem's downward
    /// direction: people draw the flag against the stem, so on a stem leaning right it runs nearly level.
    public var angles: ClosedRange<Float> = 25...50
    /// Length of the flag as a fraction of the stem's.
    public var lengths: ClosedRange<Float> = 0.2...0.45

    public init(probability: Float) { self.probability = probability }

    /// With chance `probability`, draws a flag on `image` (side×side, ink bright on black, values in [0,1])
    /// and moves the digit so its centre of mass stays where it was. Returns whether it drew one.
    @discardableResult
    public func apply(_ image: UnsafeMutablePointer<Float>, side: Int, rng: inout RandomSource) -> Bool {
        guard rng.uniform() < probability else { return false }
        let angle = rng.uniform(angles.lowerBound, angles.upperBound) * .pi / 180
        let length = rng.uniform(lengths.lowerBound, lengths.upperBound)
        guard let stem = Stem(image, side: side) else { return false }
        // The flag leaves the top of the stem, turned left from the stem's downward direction by `angle`
        // (image y runs down, so turning (0, 1) left gives (−sin, cos)); one that would point up the page is
        // left out.
        let (ux, uy) = stem.down, (c, s) = (cosf(angle), sinf(angle))
        let (fx, fy) = (c * ux - s * uy, s * ux + c * uy)
        guard fy > -0.1 else { return false }
        let flag = length * stem.length
        let (x0, y0) = stem.top
        let (x1, y1) = (x0 + fx * flag, y0 + fy * flag)
        FlaggedOne.drawSegment(image, side: side, from: (x0, y0), to: (x1, y1), width: stem.width, ink: stem.ink)
        guard let after = Stem.centreOfMass(image, side: side) else { return true }
        let moved = UnsafeMutablePointer<Float>.allocate(capacity: side * side)
        defer { moved.deallocate() }
        Augmentation.warp(image, to: moved, side: side, angle: 0, scale: 1,
                          shiftX: stem.centre.0 - after.0, shiftY: stem.centre.1 - after.1)
        image.update(from: moved, count: side * side)
        return true
    }

    /// Paints a round-ended stroke of the given width, anti-aliased, keeping the brighter of stroke and image.
    static func drawSegment(_ image: UnsafeMutablePointer<Float>, side: Int, from a: (Float, Float),
                            to b: (Float, Float), width: Float, ink: Float) {
        drawSegment(image, columns: side, rows: side, from: a, to: b, width: width, ink: ink)
    }

    /// The same on an image `columns` wide and `rows` high.
    static func drawSegment(_ image: UnsafeMutablePointer<Float>, columns: Int, rows: Int, from a: (Float, Float),
                            to b: (Float, Float), width: Float, ink: Float) {
        let dx = b.0 - a.0, dy = b.1 - a.1, len2 = max(dx * dx + dy * dy, 1e-6)
        let reach = width / 2 + 1
        let xs = max(0, Int(min(a.0, b.0) - reach))...min(columns - 1, Int(max(a.0, b.0) + reach + 1))
        let ys = max(0, Int(min(a.1, b.1) - reach))...min(rows - 1, Int(max(a.1, b.1) + reach + 1))
        guard !xs.isEmpty, !ys.isEmpty else { return }
        for y in ys {
            for x in xs {
                let px = Float(x) - a.0, py = Float(y) - a.1
                let t = min(max((px * dx + py * dy) / len2, 0), 1)
                let ex = px - t * dx, ey = py - t * dy
                let coverage = min(max(width / 2 + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1)
                image[y * columns + x] = max(image[y * columns + x], coverage * ink)
            }
        }
    }
}

/// The stroke of a 1, seen through its image moments: centre, main axis, ends and thickness.
struct Stem {
    var centre: (Float, Float)
    /// Unit vector along the main axis, pointing down the page.
    var down: (Float, Float)
    var top: (Float, Float)
    var length: Float
    var width: Float
    /// Brightness of the stroke's core.
    var ink: Float

    init?(_ image: UnsafePointer<Float>, side: Int) {
        let peak = UnsafeBufferPointer(start: image, count: side * side).max() ?? 0
        guard let (cx, cy, mass) = Stem.centreOfMass(image, side: side), mass > 3, peak > 0.3 else { return nil }
        var xx: Float = 0, yy: Float = 0, xy: Float = 0
        for y in 0..<side { for x in 0..<side {
            let v = image[y * side + x], dx = Float(x) - cx, dy = Float(y) - cy
            xx += v * dx * dx; yy += v * dy * dy; xy += v * dx * dy
        } }
        // Only a straight stroke has a top to flag: a 1 with a base or a hook is left alone.
        let half = (xx + yy) / 2, spread = (((xx - yy) / 2) * ((xx - yy) / 2) + xy * xy).squareRoot()
        guard half - spread < 0.12 * (half + spread) else { return nil }
        // Main axis of the covariance, turned to point down.
        let theta = 0.5 * atan2f(2 * xy, xx - yy)
        var ux = cosf(theta), uy = sinf(theta)
        if uy < 0 || (uy == 0 && ux < 0) { ux = -ux; uy = -uy }
        var lo = Float.infinity, hi = -Float.infinity
        for y in 0..<side { for x in 0..<side where image[y * side + x] > 0.5 * peak {
            let t = (Float(x) - cx) * ux + (Float(y) - cy) * uy
            lo = min(lo, t); hi = max(hi, t)
        } }
        let length = hi - lo
        guard length > 4 else { return nil }
        centre = (cx, cy); down = (ux, uy)
        top = (cx + lo * ux, cy + lo * uy)
        self.length = length
        width = min(max(mass / (peak * length), 1.2), 4)
        ink = peak
    }

    /// Centre of mass and total mass; nil for a blank image.
    static func centreOfMass(_ image: UnsafePointer<Float>, side: Int) -> (Float, Float, Float)? {
        var mass: Float = 0, sx: Float = 0, sy: Float = 0
        for y in 0..<side { for x in 0..<side {
            let v = image[y * side + x]
            mass += v; sx += v * Float(x); sy += v * Float(y)
        } }
        return mass > 0 ? (sx / mass, sy / mass, mass) : nil
    }
}

#if canImport(Glibc)
import Glibc
#endif
