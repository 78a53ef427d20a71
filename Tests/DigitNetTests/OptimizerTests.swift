@testable import DigitNet
import XCTest

final class OptimizerTests: XCTestCase {
    /// A one-parameter "network" (a Dense 1→1 without bias) whose gradient we set by hand.
    func network(weight: Float, grad: Float) -> Network {
        var rng = RandomSource(seed: 1)
        var d = Dense(1, 1, bias: false, rng: &rng)
        d.weight.value.data = [weight]
        d.weight.grad.data = [grad]
        return Network(architecture: "t", normalization: .init(mean: 0, std: 1), layers: [d])
    }

    func weight(_ net: Network) -> Float { (net.layers[0] as! Dense).weight.value.data[0] }

    func setGrad(_ net: inout Network, _ g: Float) {
        var d = net.layers[0] as! Dense
        d.weight.grad.data = [g]
        net.layers[0] = d
    }

    func testSGDMomentumAndNesterov() {
        var net = network(weight: 1, grad: 0.5)
        var opt = Optimizer(.sgd(momentum: 0.9, nesterov: false, weightDecay: 0.1))
        opt.update(&net, rate: 0.1)  // g = 0.5 + 0.1·1 = 0.6; buf = 0.6; w = 1 − 0.06
        XCTAssertEqual(weight(net), 0.94, accuracy: 1e-6)
        XCTAssertEqual((net.layers[0] as! Dense).weight.grad.data[0], 0, "gradients are cleared after a step")
        setGrad(&net, 0.5)
        opt.update(&net, rate: 0.1)  // g = 0.5 + 0.094 = 0.594; buf = 0.54 + 0.594 = 1.134
        XCTAssertEqual(weight(net), 0.94 - 0.1134, accuracy: 1e-6)

        var n2 = network(weight: 1, grad: 0.5)
        var nesterov = Optimizer(.sgd(momentum: 0.9, nesterov: true, weightDecay: 0))
        nesterov.update(&n2, rate: 0.1)  // buf = 0.5; step g + 0.9·buf = 0.95
        XCTAssertEqual(weight(n2), 1 - 0.095, accuracy: 1e-6)
    }

    func testAdamFirstStepsMatchTheFormula() {
        var net = network(weight: 1, grad: 0.2)
        var opt = Optimizer(.adam(weightDecay: 0))
        opt.update(&net, rate: 0.01)
        // First step: m̂ = g, v̂ = g², so the step is lr · g/|g| = lr.
        XCTAssertEqual(weight(net), 0.99, accuracy: 1e-6)
        setGrad(&net, -0.1)
        opt.update(&net, rate: 0.01)
        let m = 0.9 * 0.1 * 0.2 + 0.1 * -0.1, v = 0.999 * 0.001 * 0.04 + 0.001 * 0.01
        let mhat = m / (1 - 0.81), vhat = v / (1 - 0.998001)
        XCTAssertEqual(Double(weight(net)), 0.99 - 0.01 * mhat / (vhat.squareRoot() + 1e-8), accuracy: 1e-6)
    }

    func testBuffersAreNotTrained() {
        var net = Network(architecture: "t", normalization: .init(mean: 0, std: 1), layers: [BatchNorm(2)])
        var bn = net.layers[0] as! BatchNorm
        bn.runningMean.value.data = [3, 4]
        net.layers[0] = bn
        var opt = Optimizer(.adam(weightDecay: 0))
        opt.update(&net, rate: 0.1)
        XCTAssertEqual((net.layers[0] as! BatchNorm).runningMean.value.data, [3, 4])
        XCTAssertEqual(opt.first.count, 2, "state for gamma and beta only")
    }

    func testLargeParametersSplitOverThreadsGiveTheSameStep() {
        // 256x256 weights: large enough to be split over threads.
        var rng = RandomSource(seed: 4)
        var d = Dense(256, 256, bias: false, rng: &rng)
        d.weight.grad.data = (0..<(256 * 256)).map { Float($0 % 97) / 97 - 0.5 }
        let start = Network(architecture: "t", normalization: .init(mean: 0, std: 1), layers: [d])
        for kind in [OptimizerKind.adam(weightDecay: 0.01), .sgd(momentum: 0.9, nesterov: true, weightDecay: 0)] {
            var one = start, two = start
            var o1 = Optimizer(kind), o2 = Optimizer(kind)
            o1.update(&one, rate: 0.01, threads: 1)
            o2.update(&two, rate: 0.01, threads: 2)
            let w1 = (one.layers[0] as! Dense).weight, w2 = (two.layers[0] as! Dense).weight
            XCTAssertEqual(w1.value.data, w2.value.data)
            XCTAssertTrue(w2.grad.data.allSatisfy { $0 == 0 })
            // The last value follows the formula too (it lies in the second thread's half).
            let g = d.weight.grad.data.last!, w = d.weight.value.data.last!
            let expected: Float
            if case .adam = kind {
                expected = w - 0.01 * (g + 0.01 * w > 0 ? 1 : -1)  // Adam's first step: lr · sign(gradient)
            } else {
                expected = w - 0.01 * 1.9 * g  // Nesterov's first step: g + 0.9·g
            }
            XCTAssertEqual(w2.value.data.last!, expected, accuracy: 1e-5)
        }
    }
}
