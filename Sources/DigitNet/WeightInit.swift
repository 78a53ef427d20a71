/// How a layer's weights and biases start.
public enum WeightInit: Sendable {
    /// Weights normal with standard deviation √(2/fan-in) (He et al. 2015), biases zero: keeps activations
    /// at one scale through deep ReLU stacks.
    case he
    /// Weights and biases uniform in ±1/√fan-in: PyTorch's default for Linear and Conv2d layers, and about
    /// 2.4 times smaller than `he`.
    case uniform
    /// Every weight and bias zero: for a network whose weights are read from a file next, which need not
    /// pay for drawing millions of random numbers first.
    case zeros

    /// `count` weights for a layer whose outputs each sum `fanIn` inputs.
    func weights(_ count: Int, fanIn: Int, rng: inout RandomSource) -> [Float] {
        switch self {
        case .he:
            let std = (2 / Float(fanIn)).squareRoot()
            return (0..<count).map { _ in std * rng.normal() }
        case .uniform:
            return uniformValues(count, fanIn: fanIn, rng: &rng)
        case .zeros:
            return [Float](repeating: 0, count: count)
        }
    }

    /// `count` starting biases.
    func biases(_ count: Int, fanIn: Int, rng: inout RandomSource) -> [Float] {
        switch self {
        case .he, .zeros: return [Float](repeating: 0, count: count)
        case .uniform: return uniformValues(count, fanIn: fanIn, rng: &rng)
        }
    }

    private func uniformValues(_ count: Int, fanIn: Int, rng: inout RandomSource) -> [Float] {
        let bound = 1 / Float(fanIn).squareRoot()
        return (0..<count).map { _ in rng.uniform(-bound, bound) }
    }
}
