@testable import DigitNet
import XCTest

final class WinogradTests: XCTestCase {
    /// Output, input gradient, weight and bias gradients equal the im2col path's for planes that are and are not
    /// whole 4x4 blocks, paddings 0 to 4, with and without bias, on one thread and several, and for every Winograd
    /// layer of lenet, m3 and the shipped model. F(4x4) rounds more than im2col (about 1e-5 of the largest value,
    /// as the interpolation points ±2 and ±1/2 scale the terms unevenly; F(2x2) was 1e-6), so the bound is 4e-5.
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
            XCTAssertTrue(fast.winograd)
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
        let geometry = Winograd(inChannels: 32, outChannels: 64, height: 14, width: 14, kernel: 5, padding: 2)
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

    /// Finite differences agree with the gradients of layers that take the Winograd path.
    func testGradientsMatchFiniteDifferences() {
        var rng = RandomSource(seed: 7)
        for conv in [Conv2D(16, 16, kernel: 3, padding: 1, rng: &rng), Conv2D(16, 32, kernel: 5, padding: 2, rng: &rng)] {
            XCTAssertTrue(conv.winograd)
            GradientCheck.check(conv, input: GradientCheck.random([2, 16, 5, 6], seed: 8), threads: 2)
        }
    }

    /// The transformed weights kept between calls follow every change of the weights, in place or in a copy.
    func testTransformedWeightsFollowTheWeights() {
        var rng = RandomSource(seed: 11)
        var conv = Conv2D(16, 16, kernel: 3, padding: 1, rng: &rng)
        let x = GradientCheck.random([2, 16, 6, 6], seed: 12), ctx = PassContext(training: false)
        _ = conv.forward(x, ctx)
        var copy = conv
        conv.weight.value.data[5] += 1
        copy.weight.value.data[7] -= 2
        for var layer in [conv, copy] {
            let fast = layer.forward(x, ctx)
            layer.winograd = false
            assertClose(fast, layer.forward(x, ctx), "output after a weight change", tolerance: 4e-5)
        }
    }

    /// A stride-2 5x5 layer read through its input's phases gives the im2col path's output: both of the shipped
    /// model's such layers, other sizes and paddings, with and without bias, one thread and several; a padded
    /// size that is odd takes im2col.
    func testPhasedStrideTwoMatchesIm2Col() {
        let cases: [(cin: Int, cout: Int, h: Int, w: Int, pad: Int, bias: Bool, threads: Int)] = [
            (32, 32, 24, 24, 2, false, 2), (64, 64, 8, 8, 2, false, 2),  // the shipped model
            (4, 16, 10, 14, 1, true, 1), (8, 32, 12, 14, 1, true, 2), (16, 16, 12, 12, 0, false, 3),
        ]
        for (index, c) in cases.enumerated() {
            var rng = RandomSource(seed: UInt64(index + 31))
            var fast = Conv2D(c.cin, c.cout, kernel: 5, stride: 2, padding: c.pad, bias: c.bias, rng: &rng)
            if c.bias { fast.bias!.value = GradientCheck.random([c.cout], seed: 41) }
            XCTAssertTrue(fast.phased)
            var plain = fast
            plain.phased = false
            // 37 samples: several chunks of phases on one thread, a short last one.
            let x = GradientCheck.random([37, c.cin, c.h, c.w], seed: UInt64(50 + index))
            let ctx = PassContext(training: false, threads: c.threads)
            let yf = fast.forward(x, ctx), yp = plain.forward(x, ctx)
            XCTAssertEqual(yf.shape, yp.shape)
            assertClose(yf, yp, "output of case \(index)", tolerance: 4e-5)
        }
        var rng = RandomSource(seed: 9)
        var odd = Conv2D(16, 16, kernel: 5, stride: 2, padding: 2, rng: &rng)
        var plain = odd
        plain.phased = false
        let x = GradientCheck.random([3, 16, 9, 9], seed: 60)
        XCTAssertEqual(odd.forward(x, PassContext(training: false, threads: 1)).data,
                       plain.forward(x, PassContext(training: false, threads: 1)).data)
        XCTAssertFalse(Conv2D(6, 16, kernel: 5, stride: 2, padding: 2, rng: &rng).phased)
        XCTAssertFalse(Conv2D(16, 16, kernel: 3, stride: 2, padding: 1, rng: &rng).phased)
    }

    /// Channel counts that are not multiples of sixteen, other kernels and strides keep im2col.
    func testChoosesWinogradOnlyWhereItPays() {
        var rng = RandomSource(seed: 1)
        XCTAssertFalse(Conv2D(1, 32, kernel: 3, rng: &rng).winograd)
        XCTAssertFalse(Conv2D(8, 16, kernel: 3, rng: &rng).winograd)
        XCTAssertFalse(Conv2D(16, 24, kernel: 3, rng: &rng).winograd)
        XCTAssertFalse(Conv2D(32, 32, kernel: 7, padding: 3, rng: &rng).winograd)
        XCTAssertFalse(Conv2D(32, 32, kernel: 3, stride: 2, rng: &rng).winograd)
        XCTAssertFalse(Conv2D(32, 32, kernel: 5, stride: 2, padding: 2, rng: &rng).winograd)
        XCTAssertTrue(Conv2D(32, 48, kernel: 3, rng: &rng).winograd)
        XCTAssertTrue(Conv2D(32, 64, kernel: 5, padding: 2, rng: &rng).winograd)
    }

}

/// a and b agree to `tolerance` of b's largest value (or of 1, if that is smaller).
func assertClose(_ a: Tensor, _ b: Tensor, _ what: String, tolerance: Float = 1e-5, file: StaticString = #filePath,
                 line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, what, file: file, line: line)
    let scale = b.data.reduce(Float(0)) { max($0, abs($1)) }
    let worst = zip(a.data, b.data).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
    XCTAssertLessThan(worst, tolerance * max(1, scale), "\(what): largest difference \(worst), values up to \(scale)",
                      file: file, line: line)
}

final class WinogradNetworkTests: XCTestCase {
    /// The shipped architecture: a training step's every gradient is the same through Winograd as through im2col.
    /// The two paths round differently, so with ReLUs a pre-activation within rounding of zero can fall on the
    /// other side, and through BatchNorm's batch statistics that moves many gradients a little (by up to 0.2–9 %
    /// of the largest; which seeds do depends on the CPU's BLAS kernels). So the ReLUs pass values through here:
    /// every layer keeps its shapes, batch blocks and threads, and every gradient agrees to 1e-5 of the largest.
    func testTrainingStepMatchesIm2Col() {
        for seed in [4, 7] as [UInt64] {
            let arch = Architecture.default
            var fast = arch.build(seed: seed)
            for i in fast.layers.indices {
                if var norm = fast.layers[i] as? BatchNorm { norm.appliesReLU = false; fast.layers[i] = norm }
                if var relu = fast.layers[i] as? ReLU { relu.passesThrough = true; fast.layers[i] = relu }
            }
            var plain = fast
            for i in plain.layers.indices {
                if var conv = plain.layers[i] as? Conv2D { conv.winograd = false; plain.layers[i] = conv }
            }
            let x = GradientCheck.random([16, 1, 28, 28], seed: 4)
            var pixels = x
            for i in pixels.data.indices { pixels.data[i] = min(1, max(0, 0.5 + 0.3 * x.data[i])) }
            let labels = (0..<16).map { $0 % 10 }
            let ctx = PassContext(training: true, threads: 2, seed: 5)
            var grads = [[Float]]()
            for k in 0..<2 {
                var net = k == 0 ? fast : plain
                let logits = net.forward(pixels, ctx)
                let (_, dLogits, _) = SoftmaxCrossEntropy.lossAndGradient(logits, labels: labels)
                net.backward(dLogits, ctx)
                var g = [Float]()
                net.visitParameters { _, p in if p.trainable { g += p.grad.data } }
                grads.append(g)
                if k == 0 { fast = net } else { plain = net }
            }
            let scale = grads[1].reduce(Float(0)) { max($0, abs($1)) }
            let worst = zip(grads[0], grads[1]).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            XCTAssertLessThan(worst, 1e-5 * scale, "\(arch) seed \(seed): largest difference \(worst) of gradients up to \(scale)")
        }
    }
}
