/// Random affine distortion of 28x28 digits (rotation, scale, translation), sampled bilinearly, for training.
public struct Augmentation: Sendable, Equatable {
    /// Largest rotation either way, in degrees.
    public var rotation: Float
    /// Largest relative change of size either way (0.1: 90 %–110 %).
    public var scale: Float
    /// Largest shift either way, as a fraction of the image side.
    public var translation: Float

    public init(rotation: Float, scale: Float, translation: Float) {
        self.rotation = rotation; self.scale = scale; self.translation = translation
    }

    /// Writes a distorted copy of `src` (side×side, values in [0,1]) to `dst`, drawing from `rng`.
    public func apply(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, side: Int,
                      rng: inout RandomSource) {
        let angle = rng.uniform(-rotation, rotation) * .pi / 180
        let s = 1 + rng.uniform(-scale, scale)
        let tx = rng.uniform(-translation, translation) * Float(side)
        let ty = rng.uniform(-translation, translation) * Float(side)
        Augmentation.warp(src, to: dst, side: side, angle: angle, scale: s, shiftX: tx, shiftY: ty)
    }

    /// Output pixel p takes the input at R(−angle)·(p − c − t)/scale + c, with c the image centre;
    /// pixels that fall outside are zero.
    public static func warp(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, side: Int,
                            angle: Float, scale: Float, shiftX: Float, shiftY: Float) {
        let c = Float(side - 1) / 2
        let cosA = cosf(angle) / scale, sinA = sinf(angle) / scale
        for y in 0..<side {
            for x in 0..<side {
                let dx = Float(x) - c - shiftX, dy = Float(y) - c - shiftY
                let sx = cosA * dx + sinA * dy + c, sy = -sinA * dx + cosA * dy + c
                let x0 = Int(floorf(sx)), y0 = Int(floorf(sy))
                let fx = sx - Float(x0), fy = sy - Float(y0)
                func at(_ yy: Int, _ xx: Int) -> Float {
                    (xx >= 0 && xx < side && yy >= 0 && yy < side) ? src[yy * side + xx] : 0
                }
                let top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx
                let bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx
                dst[y * side + x] = top * (1 - fy) + bottom * fy
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
