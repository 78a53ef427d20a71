@testable import DigitNet
import XCTest

final class Conv2DTests: XCTestCase {
    func testGradientsMatchFiniteDifferences() {
        var rng = RandomSource(seed: 1)
        let x = GradientCheck.random([3, 2, 7, 6], seed: 2)
        GradientCheck.check(Conv2D(2, 3, kernel: 3, padding: 1, rng: &rng), input: x)
        GradientCheck.check(Conv2D(2, 4, kernel: 5, stride: 2, padding: 2, bias: false, rng: &rng), input: x, threads: 2)
        GradientCheck.check(Conv2D(2, 2, kernel: 3, rng: &rng), input: x, threads: 3)
    }

    /// A direct loop over the definition of convolution agrees with the im2col + sgemm path.
    func testForwardMatchesDirectConvolution() {
        var rng = RandomSource(seed: 3)
        var conv = Conv2D(3, 4, kernel: 3, stride: 2, padding: 1, rng: &rng)
        conv.bias!.value = GradientCheck.random([4], seed: 4)
        let x = GradientCheck.random([2, 3, 9, 8], seed: 5)
        let y = conv.forward(x, PassContext(training: false, threads: 2))
        XCTAssertEqual(y.shape, [2, 4, 5, 4])
        let w = conv.weight.value.data, b = conv.bias!.value.data
        for n in 0..<2 { for co in 0..<4 { for oy in 0..<5 { for ox in 0..<4 {
            var s = b[co]
            for ci in 0..<3 { for ky in 0..<3 { for kx in 0..<3 {
                let iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx
                if iy >= 0, iy < 9, ix >= 0, ix < 8 {
                    s += w[((co * 3 + ci) * 3 + ky) * 3 + kx] * x.data[((n * 3 + ci) * 9 + iy) * 8 + ix]
                }
            }}}
            XCTAssertEqual(y.data[((n * 4 + co) * 5 + oy) * 4 + ox], s, accuracy: 1e-4)
        }}}}
    }

    /// Splitting the batch over threads changes nothing but the order of summation.
    func testThreadCountDoesNotChangeResults() {
        var rng = RandomSource(seed: 6)
        let conv = Conv2D(2, 3, kernel: 3, padding: 1, rng: &rng)
        let x = GradientCheck.random([5, 2, 6, 6], seed: 7)
        var a = conv, b = conv
        let ya = a.forward(x, PassContext(training: true, threads: 1))
        let yb = b.forward(x, PassContext(training: true, threads: 3))
        XCTAssertEqual(ya, yb)
        _ = a.backward(ya, PassContext(training: true, threads: 1))
        _ = b.backward(ya, PassContext(training: true, threads: 3))
        for (ga, gb) in zip(a.weight.grad.data, b.weight.grad.data) { XCTAssertEqual(ga, gb, accuracy: 1e-4) }
    }

    /// Inputs large enough to be copied one sample at a time (sub-batches of one) keep the adjoint identity
    /// <conv(x), dy> = <x, conv'(dy)> and match the direct definition at sampled points, for every sample.
    func testSubBatchesOfOneSample() {
        var rng = RandomSource(seed: 8)
        var conv = Conv2D(32, 2, kernel: 5, padding: 2, bias: false, rng: &rng)
        let x = GradientCheck.random([3, 32, 26, 26], seed: 9)  // 800·676 values of columns a sample: one at a time
        let ctx = PassContext(training: true, threads: 2)
        let y = conv.forward(x, ctx)
        let dy = GradientCheck.random(y.shape, seed: 10)
        let dx = conv.backward(dy, ctx)
        let lhs = zip(y.data, dy.data).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let rhs = zip(x.data, dx.data).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        XCTAssertEqual(lhs, rhs, accuracy: 1e-3 * max(1, abs(lhs)))
        let w = conv.weight.value.data
        for (n, co, oy, ox) in [(0, 0, 0, 0), (1, 1, 13, 25), (2, 0, 25, 3), (2, 1, 7, 7)] {
            var s: Float = 0
            for ci in 0..<32 { for ky in 0..<5 { for kx in 0..<5 {
                let iy = oy - 2 + ky, ix = ox - 2 + kx
                if iy >= 0, iy < 26, ix >= 0, ix < 26 {
                    s += w[((co * 32 + ci) * 5 + ky) * 5 + kx] * x.data[((n * 32 + ci) * 26 + iy) * 26 + ix]
                }
            }}}
            XCTAssertEqual(y.data[((n * 2 + co) * 26 + oy) * 26 + ox], s, accuracy: 1e-3)
        }
    }
}
