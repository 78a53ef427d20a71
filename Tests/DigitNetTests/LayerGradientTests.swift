@testable import DigitNet
import XCTest

/// Finite-difference checks of every other layer's backward pass.
final class LayerGradientTests: XCTestCase {
    func testDense() {
        var rng = RandomSource(seed: 1)
        GradientCheck.check(Dense(7, 5, rng: &rng), input: GradientCheck.random([40, 7], seed: 2), threads: 2)
        GradientCheck.check(Dense(7, 3, bias: false, rng: &rng), input: GradientCheck.random([3, 7], seed: 3))
        // Three threads and two outputs: one thread has no rows of dW to compute.
        GradientCheck.check(Dense(6, 2, rng: &rng), input: GradientCheck.random([48, 6], seed: 11), threads: 3)
    }

    func testBatchNorm2D() {
        var bn = BatchNorm(3)
        bn.gamma.value = GradientCheck.random([3], seed: 4)
        bn.beta.value = GradientCheck.random([3], seed: 5)
        GradientCheck.check(bn, input: GradientCheck.random([4, 3, 3, 2], seed: 6, scale: 2), threads: 2)
    }

    /// Inference uses the running statistics, per channel, split over threads when the batch is large.
    func testBatchNormInferenceUsesRunningStatistics() {
        var bn = BatchNorm(8)
        bn.gamma.value.data = (0..<8).map { Float($0) + 1 }
        bn.beta.value.data = (0..<8).map { Float($0) / 4 }
        bn.runningMean.value.data = (0..<8).map { Float($0) - 3 }
        bn.runningVar.value.data = (0..<8).map { Float($0 * $0) + 0.5 }
        let x = GradientCheck.random([64, 8, 8, 8], seed: 14)  // 32,768 values: split over threads
        let one = bn.forward(x, PassContext(training: false, threads: 1))
        let two = bn.forward(x, PassContext(training: false, threads: 2))
        XCTAssertEqual(one, two)
        for index in [0, 700, 20_000, x.count - 1] {
            let ch = (index / 64) % 8
            let expected = (x.data[index] - bn.runningMean.value.data[ch]) / (bn.runningVar.value.data[ch] + bn.epsilon).squareRoot()
                * bn.gamma.value.data[ch] + bn.beta.value.data[ch]
            XCTAssertEqual(two.data[index], expected, accuracy: 1e-4)
        }
    }

    /// A network runs a ReLU that follows BatchNorm inside the normalisation: outputs, input gradients and
    /// parameter gradients are exactly those of the two layers run one after the other.
    func testBatchNormAppliesTheReLUThatFollowsIt() {
        for (shape, threads) in [([6, 5, 7, 7], 1), ([64, 8, 9, 9], 2), ([10, 4], 1)] {
            var bn = BatchNorm(shape[1])
            bn.gamma.value = GradientCheck.random([shape[1]], seed: 4)
            bn.beta.value = GradientCheck.random([shape[1]], seed: 5)
            var net = Network(architecture: "t", normalization: .init(mean: 0, std: 1), layers: [bn, ReLU()])
            var relu = ReLU()
            let ctx = PassContext(training: true, threads: threads, seed: 1)
            let x = GradientCheck.random(shape, seed: 6, scale: 2), dy = GradientCheck.random(shape, seed: 7)
            var fused = [Tensor](), separate = [Tensor]()
            for i in net.layers.indices { fused.append(net.layers[i].forward(i == 0 ? x : fused[i - 1], ctx)) }
            separate.append(bn.forward(x, ctx)); separate.append(relu.forward(separate[0], ctx))
            XCTAssertEqual(fused[1], separate[1])
            XCTAssertFalse(fused[0] == separate[0], "the fused normalisation clips its own output")
            let dxFused = net.layers[0].backward(net.layers[1].backward(dy, ctx), ctx)
            XCTAssertEqual(dxFused, bn.backward(relu.backward(dy, ctx), ctx))
            let fusedNorm = net.layers[0] as! BatchNorm
            XCTAssertEqual(fusedNorm.gamma.grad, bn.gamma.grad)
            XCTAssertEqual(fusedNorm.beta.grad, bn.beta.grad)
            var inference = net
            XCTAssertEqual(inference.forward(x, PassContext(training: false, threads: threads)),
                           relu.forward(bn.forward(x, PassContext(training: false, threads: threads)), ctx))
        }
    }

    func testBatchNorm1D() {
        GradientCheck.check(BatchNorm(5), input: GradientCheck.random([6, 5], seed: 7))
    }

    func testReLU() {
        // Values kept away from 0, where ReLU has no derivative.
        var x = GradientCheck.random([4, 10], seed: 8)
        for i in x.data.indices where abs(x.data[i]) < 0.05 { x.data[i] = 0.5 }
        GradientCheck.check(ReLU(), input: x)
    }

    func testMaxPool() {
        // Distinct values so that no window has a tie.
        var x = Tensor(zeros: [2, 2, 5, 4])
        var rng = RandomSource(seed: 9)
        var order = Array(0..<x.count)
        order.shuffle(using: &rng)
        for (i, v) in order.enumerated() { x.data[i] = Float(v) * 0.1 }
        GradientCheck.check(MaxPool(2), input: x)
        GradientCheck.check(MaxPool(3, stride: 1), input: x)
    }

    /// Large enough to be split over threads: the same values as on one thread.
    func testReLUAndMaxPoolSplitOverThreads() {
        let x = GradientCheck.random([4, 8, 32, 32], seed: 11)
        let dy = GradientCheck.random([4, 8, 32, 32], seed: 12), dyPooled = GradientCheck.random([4, 8, 16, 16], seed: 13)
        func run(_ threads: Int) -> [Tensor] {
            let ctx = PassContext(training: true, threads: threads)
            var relu = ReLU(), pool = MaxPool(2)
            let y = relu.forward(x, ctx), p = pool.forward(x, ctx)
            return [y, relu.backward(dy, ctx), p, pool.backward(dyPooled, ctx)]
        }
        let one = run(1), two = run(2)
        XCTAssertEqual(one, two)
        XCTAssertEqual(one[1].data.filter { $0 != 0 }.count, x.data.filter { $0 > 0 }.count)
    }

    /// In a tie the first largest input of the window (in reading order) takes the gradient, on the 2x2 path
    /// as on the general one.
    func testMaxPoolTiesGoToTheFirst() {
        var x = Tensor(zeros: [1, 1, 2, 4])
        x.data = [1, 1, 0, 3,
                  1, 1, 3, 3]
        for var pool in [MaxPool(2), MaxPool(2, stride: 1)] {
            let y = pool.forward(x, PassContext(training: true))
            let dx = pool.backward(Tensor(shape: y.shape, data: [Float](repeating: 1, count: y.count)), PassContext(training: true))
            if pool.stride == 2 {
                XCTAssertEqual(y.data, [1, 3])
                XCTAssertEqual(dx.data, [1, 0, 0, 1, 0, 0, 0, 0])
            } else {
                XCTAssertEqual(y.data, [1, 3, 3])
                XCTAssertEqual(dx.data, [1, 0, 0, 1, 0, 0, 1, 0])
            }
        }
    }

    /// Rows wide enough for the eight-window SIMD blocks (with an overlapping last block at width 28, and an
    /// odd width whose last column is dropped) and narrower ones, with many ties: the same as a plain reference.
    func testMaxPoolWideRowsMatchAReference() {
        var rng = RandomSource(seed: 21)
        for width in [28, 29, 16, 40, 6, 14] {
            var x = Tensor(zeros: [2, 3, 6, width])
            for i in x.data.indices { x.data[i] = Float(rng.next() % 4) }
            var pool = MaxPool(2)
            let ctx = PassContext(training: true)
            let y = pool.forward(x, ctx)
            let wo = width / 2
            let dy = GradientCheck.random(y.shape, seed: 22)
            let dx = pool.backward(dy, ctx)
            var expectedY = [Float](), expectedDx = [Float](repeating: 0, count: x.count)
            for plane in 0..<6 {
                for oy in 0..<3 {
                    for ox in 0..<wo {
                        // Reading order within the window; the first largest wins.
                        let cells = [(2 * oy, 2 * ox), (2 * oy, 2 * ox + 1), (2 * oy + 1, 2 * ox), (2 * oy + 1, 2 * ox + 1)]
                            .map { plane * 6 * width + $0.0 * width + $0.1 }
                        var best = cells[0]
                        for c in cells.dropFirst() where x.data[c] > x.data[best] { best = c }
                        expectedY.append(x.data[best])
                        expectedDx[best] += dy.data[expectedY.count - 1]
                    }
                }
            }
            XCTAssertEqual(y.data, expectedY, "width \(width)")
            XCTAssertEqual(dx.data, expectedDx, "width \(width)")
        }
    }

    func testFlattenBothOrders() {
        let x = GradientCheck.random([2, 3, 2, 2], seed: 10)
        GradientCheck.check(Flatten(), input: x)
        GradientCheck.check(Flatten(channelsLast: true), input: x)
        var f = Flatten(channelsLast: true)
        let y = f.forward(x, PassContext(training: false))
        // NHWC: item 0, position (0,1), channel 2 sits at (0·2 + 1)·3 + 2.
        XCTAssertEqual(y.data[5], x.data[2 * 4 + 1])
    }

    func testDropoutScalesAndMasks() {
        var d = Dropout(0.5)
        let x = Tensor(shape: [1, 1000], data: [Float](repeating: 1, count: 1000))
        let y = d.forward(x, PassContext(training: true, seed: 3))
        let kept = y.data.filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { $0 == 2 })
        XCTAssertEqual(Double(kept.count), 500, accuracy: 60)
        let dx = d.backward(x, PassContext(training: true))
        XCTAssertEqual(dx, y)
        XCTAssertEqual(d.forward(x, PassContext(training: false)), x)
        GradientCheck.check(Dropout(0.3), input: GradientCheck.random([3, 8], seed: 11))
    }

    /// Each row's mask is its own stream's 64-bit draws cut into 16-bit slices, low slice first, a value kept
    /// when its slice is at least rate·65536: the same whether sixteen values are masked at once or the tail's
    /// one at a time (rows of 40: two vectors and eight single values).
    func testDropoutMaskIsTheRowStreamsSlices() {
        let x = Tensor(shape: [3, 40], data: (0..<120).map { Float($0 % 7) - 3 })
        var d = Dropout(0.3)
        let y = d.forward(x, PassContext(training: true, seed: 21))
        let cut = UInt64((0.3 * 65536 as Float).rounded()), scale = 1 / (1 - Float(0.3))
        for row in 0..<3 {
            var rng = RandomSource(seed: 21, UInt64(row), 4)
            var bits: UInt64 = 0
            for i in 0..<40 {
                if i % 4 == 0 { bits = rng.next() }
                let keep = bits & 0xFFFF >= cut
                bits >>= 16
                XCTAssertEqual(y.data[row * 40 + i], x.data[row * 40 + i] * (keep ? scale : 0), "row \(row), value \(i)")
            }
        }
    }

    /// A network runs a ReLU that comes right before Dropout inside the dropout's mask: outputs and input
    /// gradients are exactly those of the two layers one after the other, in training and in inference.
    func testDropoutAppliesTheReLUBeforeIt() {
        for (shape, threads) in [([5, 37], 1), ([64, 600], 2)] {
            var net = Network(architecture: "t", normalization: .init(mean: 0, std: 1), layers: [ReLU(), Dropout(0.3)])
            var relu = ReLU(), dropout = Dropout(0.3)
            let ctx = PassContext(training: true, threads: threads, seed: 2)
            let x = GradientCheck.random(shape, seed: 12), dy = GradientCheck.random(shape, seed: 13)
            let passed = net.layers[0].forward(x, ctx)
            XCTAssertEqual(passed, x, "the ReLU passes values through")
            let fused = net.layers[1].forward(passed, ctx), separate = dropout.forward(relu.forward(x, ctx), ctx)
            XCTAssertEqual(fused, separate)
            XCTAssertEqual(fused.data.filter { $0 > 0 }.count, separate.data.filter { $0 > 0 }.count)
            let dxFused = net.layers[0].backward(net.layers[1].backward(dy, ctx), ctx)
            XCTAssertEqual(dxFused, relu.backward(dropout.backward(dy, ctx), ctx))
            XCTAssertEqual(dxFused.data.filter { $0 != 0 }.count, fused.data.filter { $0 != 0 }.count)
            var inference = net
            XCTAssertEqual(inference.forward(x, PassContext(training: false, threads: threads)), relu.forward(x, ctx))
        }
    }

    func testDropoutMaskDependsOnSeedNotThreads() {
        let x = Tensor(shape: [64, 1024], data: [Float](repeating: 1, count: 64 * 1024))
        var one = Dropout(0.2), two = Dropout(0.2)
        let y1 = one.forward(x, PassContext(training: true, threads: 1, seed: 9))
        let y2 = two.forward(x, PassContext(training: true, threads: 2, seed: 9))
        XCTAssertEqual(y1, y2)
        XCTAssertEqual(Double(y1.data.filter { $0 == 0 }.count) / Double(x.count), 0.2, accuracy: 0.01)
        XCTAssertNotEqual(one.forward(x, PassContext(training: true, threads: 1, seed: 10)), y1)
        // Rows draw from their own streams: no two rows share a mask.
        XCTAssertNotEqual(Array(y1.data[0..<1024]), Array(y1.data[1024..<2048]))
    }
}

final class WeightAverageTests: XCTestCase {
    func testAverageFollowsWeightsAndCopiesBuffers() {
        var net = Network(architecture: "t", normalization: .init(mean: 0, std: 1), layers: [BatchNorm(1)])
        var avg = WeightAverage(decay: 0.5, of: net)
        var bn = net.layers[0] as! BatchNorm
        bn.gamma.value.data = [3]
        bn.runningMean.value.data = [7]
        net.layers[0] = bn
        avg.update(from: &net, step: 1000)  // decay 0.5: (1 + 3) / 2
        let applied = avg.applied(to: net).layers[0] as! BatchNorm
        XCTAssertEqual(applied.gamma.value.data, [2])
        XCTAssertEqual(applied.runningMean.value.data, [7], "buffers are copied, not averaged")
        avg.update(from: &net, step: 1)  // warm-up: decay min(0.5, 2/11)
        let expected: Float = 2 * (2.0 / 11) + 3 * (9.0 / 11)
        let gamma = (avg.applied(to: net).layers[0] as! BatchNorm).gamma.value.data[0]
        XCTAssertEqual(gamma, expected, accuracy: 1e-6)
    }
}
