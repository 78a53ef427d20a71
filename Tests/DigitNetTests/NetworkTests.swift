@testable import DigitNet
import XCTest

final class NetworkTests: XCTestCase {
    func testEveryArchitectureMapsImagesToTenLogits() {
        let x = GradientCheck.random([3, 1, 28, 28], seed: 1)
        for a in Architecture.allCases {
            var net = a.build(seed: 1)
            XCTAssertEqual(net.forward(x, PassContext(training: false, threads: 2)).shape, [3, 10], a.rawValue)
        }
    }

    /// Multiply-adds counted by hand from the specifications.
    func testCosts() {
        // lenet: 28·28·32·25 + 14·14·64·800 + 3136·128 + 128·10
        XCTAssertEqual(Architecture.lenet.build(seed: 0).multiplyAdds, 627_200 + 10_035_200 + 401_408 + 1_280)
        XCTAssertEqual(Architecture.mlp.build(seed: 0).multiplyAdds, 784 * 512 + 512 * 512 + 512 * 10)
        XCTAssertLessThanOrEqual(Architecture.default.build(seed: 0).multiplyAdds, 15_500_000)
        // m3 ends in 176 channels of 8x8 and a dense 11264→10 without bias.
        let m3 = Architecture.m3.build(seed: 0)
        XCTAssertEqual((m3.layers[m3.layers.count - 2] as! Dense).weight.value.shape, [10, 11264])
        XCTAssertNil((m3.layers[m3.layers.count - 2] as! Dense).bias)
    }

    /// lenet pools before its ReLUs (cheaper); the specified order, ReLU then pooling, must give the same
    /// logits and the same gradient for every parameter.
    func testLenetPoolingBeforeReLUIsTheSpecifiedNetwork() {
        let built = Architecture.lenet.build(seed: 6)
        XCTAssert(built.layers[1] is MaxPool && built.layers[2] is ReLU && built.layers[4] is MaxPool && built.layers[5] is ReLU)
        var specified = built
        specified.layers.swapAt(1, 2)
        specified.layers.swapAt(4, 5)
        let x = GradientCheck.random([6, 1, 28, 28], seed: 7), labels = [0, 1, 2, 3, 4, 5]
        let ctx = PassContext(training: true, threads: 2, seed: 3)
        var grads = [[String: [Float]]]()
        for var net in [built, specified] {
            let logits = net.forward(x, ctx)
            let (_, g, _) = SoftmaxCrossEntropy.lossAndGradient(logits, labels: labels)
            net.backward(g, ctx)
            var named = ["logits": logits.data]
            net.visitParameters { n, p in named[n] = p.grad.data }
            grads.append(named)
        }
        XCTAssertEqual(grads[0].keys.sorted(), grads[1].keys.sorted())
        XCTAssertGreaterThan(grads[0]["layers.0.weight"]?.map(abs).max() ?? 0, 0)
        for (name, values) in grads[0] { XCTAssertEqual(values, grads[1][name], name) }
    }

    /// A whole small network (conv, BN, ReLU, pool, NHWC flatten, dense, BN1d) against finite differences of
    /// the cross-entropy loss.
    /// The first weighted layer skips its input gradient (for mlp, after a Flatten), and every parameter's
    /// gradient is the same as when it computes it.
    func testFirstWeightedLayerSkipsItsInputGradient() {
        XCTAssertFalse((Architecture.lenet.build(seed: 1).layers[0] as! Conv2D).needsInputGradient)
        let net = Architecture.mlp.build(seed: 1)
        XCTAssertFalse((net.layers[1] as! Dense).needsInputGradient)
        XCTAssertTrue((net.layers[4] as! Dense).needsInputGradient)
        var full = net
        var first = full.layers[1] as! Dense
        first.needsInputGradient = true
        full.layers[1] = first
        let x = GradientCheck.random([6, 1, 28, 28], seed: 2), labels = [0, 1, 2, 3, 4, 5]
        let ctx = PassContext(training: true, threads: 2, seed: 3)
        var grads = [[Float]]()
        for var n in [net, full] {
            let (_, g, _) = SoftmaxCrossEntropy.lossAndGradient(n.forward(x, ctx), labels: labels)
            n.backward(g, ctx)
            var all = [Float]()
            n.visitParameters { _, p in if p.trainable { all += p.grad.data } }
            grads.append(all)
        }
        XCTAssertEqual(grads[0], grads[1])
    }

    func testEndToEndGradient() {
        var rng = RandomSource(seed: 2)
        let layers: [any Layer] = [Conv2D(1, 3, kernel: 3, bias: false, rng: &rng), BatchNorm(3), ReLU(), MaxPool(2),
                                   Flatten(channelsLast: true), Dense(12, 4, rng: &rng), BatchNorm(4)]
        var net = Network(architecture: "t", normalization: .init(mean: 0.5, std: 0.5), layers: layers)
        let x = GradientCheck.random([5, 1, 6, 6], seed: 3)
        let labels = [0, 1, 2, 3, 1]
        let ctx = PassContext(training: true, threads: 2, seed: 1)
        func loss(_ n: Network) -> Double {
            var c = n
            return Double(SoftmaxCrossEntropy.lossAndGradient(c.forward(x, ctx), labels: labels).loss)
        }
        let (_, g, _) = SoftmaxCrossEntropy.lossAndGradient(net.forward(x, ctx), labels: labels)
        net.backward(g, ctx)
        var grads = [(String, [Float])]()
        net.visitParameters { n, p in if p.trainable { grads.append((n, p.grad.data)) } }
        for (name, grad) in grads {
            for i in stride(from: 0, to: grad.count, by: max(1, grad.count / 5)) {
                func shifted(_ d: Float) -> Network {
                    var c = net
                    c.visitParameters { n, p in if n == name { p.value.data[i] += d } }
                    return c
                }
                let numeric = (loss(shifted(1e-3)) - loss(shifted(-1e-3))) / 2e-3
                XCTAssertEqual(Double(grad[i]), numeric, accuracy: 1e-3 + 2e-2 * abs(numeric), "\(name)[\(i)]")
            }
        }
    }

    /// A tiny CNN, trained on 16 images, must learn them all: backprop and updates fit together.
    func testTinyModelOverfitsTinyBatch() {
        var rng = RandomSource(seed: 4)
        var net = Network(architecture: "tiny", normalization: .init(mean: 0, std: 1), layers: [
            Conv2D(1, 4, kernel: 3, stride: 2, bias: false, rng: &rng), BatchNorm(4), ReLU(), MaxPool(2),
            Flatten(), Dense(4 * 6 * 6, 10, rng: &rng),
        ])
        var x = GradientCheck.random([16, 1, 28, 28], seed: 5)
        for i in x.data.indices { x.data[i] = max(0, min(1, x.data[i])) }
        let labels = (0..<16).map { $0 % 10 }
        var opt = Optimizer(.adam(weightDecay: 0))
        var last: Float = 0
        for step in 0..<60 {
            let ctx = PassContext(training: true, threads: 2, seed: UInt64(step))
            let (loss, g, _) = SoftmaxCrossEntropy.lossAndGradient(net.forward(x, ctx), labels: labels)
            net.backward(g, ctx)
            opt.update(&net, rate: 1e-2)
            last = loss
        }
        let p = net.probabilities(x)
        let predicted = (0..<16).map { i in (0..<10).max { p.data[i * 10 + $0] < p.data[i * 10 + $1] }! }
        XCTAssertEqual(predicted, labels, "final training loss \(last)")
    }

    func testSoftmaxCrossEntropyIsStable() {
        let logits = Tensor(shape: [2, 3], data: [1000, 0, -1000, 1, 2, 3])
        let (loss, grad, correct) = SoftmaxCrossEntropy.lossAndGradient(logits, labels: [0, 0])
        XCTAssertTrue(loss.isFinite)
        // Row 2: loss = log(e + e² + e³) − 1.
        XCTAssertEqual(Double(loss), (0 + (log(exp(1.0) + exp(2.0) + exp(3.0)) - 1)) / 2, accuracy: 1e-5)
        XCTAssertEqual(correct, 1)
        XCTAssertEqual(grad.data[0], 0, accuracy: 1e-7)
        XCTAssertEqual(grad.data.reduce(0, +), 0, accuracy: 1e-6)
    }
}
