@testable import DigitNet
import XCTest

final class WinogradLanesTests: XCTestCase {
    /// F(4x4, r x r) with channels in the lanes: output, input gradient, weight and bias gradients equal the im2col
    /// path's for planes that are and are not whole 4x4 blocks, paddings 0 to 4, with and without bias, on one
    /// thread and several, and for every Winograd layer of lenet, m3 and the shipped model. Its rounding error is
    /// larger than F(2x2)'s (about 1e-5 of the largest value against 1e-6, as the interpolation points ±2 and ±1/2
    /// scale the terms unevenly), so the bound is 4e-5.
    func testMatchesIm2ColPath() {
        let cases: [(cin: Int, cout: Int, h: Int, w: Int, k: Int, pad: Int, bias: Bool, threads: Int)] = [
            (16, 16, 7, 6, 3, 0, true, 1), (16, 32, 9, 11, 3, 1, false, 2), (32, 16, 5, 5, 3, 2, true, 3),
            (16, 16, 13, 6, 5, 0, true, 2), (16, 48, 9, 12, 5, 1, false, 1), (16, 16, 6, 6, 5, 4, true, 3),
            (32, 64, 14, 14, 5, 2, true, 2),  // lenet
            (32, 48, 26, 26, 3, 0, false, 2), (48, 64, 24, 24, 3, 0, false, 2), (64, 80, 22, 22, 3, 0, false, 2),
            (80, 96, 20, 20, 3, 0, false, 2), (96, 112, 18, 18, 3, 0, false, 2), (112, 128, 16, 16, 3, 0, false, 2),
            (128, 144, 14, 14, 3, 0, false, 2), (144, 160, 12, 12, 3, 0, false, 2), (160, 176, 10, 10, 3, 0, false, 2),
            (32, 32, 26, 26, 3, 0, false, 2), (64, 64, 12, 12, 3, 0, false, 2), (64, 64, 10, 10, 3, 0, false, 1),
        ]
        for (index, c) in cases.enumerated() {
            var rng = RandomSource(seed: UInt64(index + 1))
            var fast = Conv2D(c.cin, c.cout, kernel: c.k, padding: c.pad, bias: c.bias, rng: &rng)
            if c.bias { fast.bias!.value = GradientCheck.random([c.cout], seed: 40) }
            XCTAssertTrue(fast.winograd && fast.lanes)
            var plain = fast
            plain.winograd = false
            // 16 samples: more than one block per thread, the last smaller, for the larger layers.
            let x = GradientCheck.random([c.cin >= 32 ? 16 : 5, c.cin, c.h, c.w], seed: UInt64(10 + index))
            let ctx = PassContext(training: true, threads: c.threads)
            let yf = fast.forward(x, ctx), yp = plain.forward(x, ctx)
            XCTAssertEqual(yf.shape, yp.shape)
            assertClose(yf, yp, "output of case \(index)", tolerance: 4e-5)
            let dy = GradientCheck.random(yp.shape, seed: UInt64(20 + index))
            let dxf = fast.backward(dy, ctx), dxp = plain.backward(dy, ctx)
            XCTAssertEqual(dxf.shape, x.shape)
            assertClose(dxf, dxp, "input gradient of case \(index)", tolerance: 4e-5)
            assertClose(fast.weight.grad, plain.weight.grad, "weight gradient of case \(index)", tolerance: 4e-5)
            if c.bias { assertClose(fast.bias!.grad, plain.bias!.grad, "bias gradient of case \(index)", tolerance: 4e-5) }
        }
    }

    /// Several blocks per thread: the block size does not change the result beyond rounding, and one thread
    /// and two agree.
    func testBlocksAndThreadsAgree() {
        let geometry = WinogradLanes(inChannels: 32, outChannels: 64, height: 14, width: 14, kernel: 5, padding: 2)
        XCTAssertLessThan(geometry.blockSize(64), 64)
        var rng = RandomSource(seed: 3)
        var conv = Conv2D(32, 64, kernel: 5, padding: 2, rng: &rng)
        let x = GradientCheck.random([24, 32, 14, 14], seed: 4)
        var other = conv
        let y1 = conv.forward(x, PassContext(training: true, threads: 1))
        let y2 = other.forward(x, PassContext(training: true, threads: 2))
        XCTAssertEqual(y1.data, y2.data)  // each sample's output depends on that sample only
        let dy = GradientCheck.random(y1.shape, seed: 5)
        let d1 = conv.backward(dy, PassContext(training: true, threads: 1))
        let d2 = other.backward(dy, PassContext(training: true, threads: 2))
        XCTAssertEqual(d1.data, d2.data)
        assertClose(conv.weight.grad, other.weight.grad, "weight gradient, one thread and two")
    }
}
