import DigitImage
import DigitNet

/// The ways one writer's pen differs from another's, applied to a rendered picture (dark ink on white): a
/// slant and a broader nib, so that fonts and MNIST digits stand in for many hands.
extension GrayImage {
    /// The picture as another hand might have written it: slanted either way in half the draws, drawn with a
    /// broader pen in a quarter.
    func inAnotherHand(_ rng: inout RandomSource) -> GrayImage {
        var picture = self
        if rng.uniform() < 0.5 { picture = picture.sheared(by: Double(rng.uniform(-0.35, 0.35))) }
        let bold = rng.uniform()
        if bold < 0.25 { picture = picture.bolder(times: bold < 0.08 ? 3 : bold < 0.16 ? 2 : 1) }
        return picture
    }

    /// The picture slanted: each row shifted by `shear` times its height above the middle.
    func sheared(by shear: Double) -> GrayImage {
        let extra = Int((abs(shear) * Double(height)).rounded(.up))
        var out = GrayImage(width: width + extra, height: height, value: 255)
        for y in 0..<height {
            let shift = Int((shear * Double(height / 2 - y)).rounded()) + extra / 2
            for x in 0..<width where x + shift >= 0 && x + shift < out.width { out[x + shift, y] = self[x, y] }
        }
        return out
    }

    /// Strokes widened by a pixel on every side, `times` times: a broader pen.
    func bolder(times: Int) -> GrayImage {
        var cur = self
        for _ in 0..<times {
            var out = cur
            for y in 0..<cur.height {
                for x in 0..<cur.width {
                    var m = cur[x, y]
                    if x > 0 { m = min(m, cur[x - 1, y]) }
                    if x + 1 < cur.width { m = min(m, cur[x + 1, y]) }
                    if y > 0 { m = min(m, cur[x, y - 1]) }
                    if y + 1 < cur.height { m = min(m, cur[x, y + 1]) }
                    out[x, y] = m
                }
            }
            cur = out
        }
        return cur
    }
}
