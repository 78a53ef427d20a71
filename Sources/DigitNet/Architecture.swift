/// The models `digits` knows how to build, each with the training recipe it is specified with.
public enum Architecture: String, CaseIterable, Sendable {
    /// 784-512-ReLU-Dropout(0.2)-512-ReLU-Dropout(0.2)-10 (the Keras MNIST MLP); SGD 0.01 (0.001 after epoch 15),
    /// momentum 0.9, batch 128; PyTorch's default initialisation (better than He's on held-out images).
    case mlp
    /// Two 5x5 convolutions with pooling, dense 3136→128→10 (the PyTorch MNIST example); Adam 1e-3, batch 128;
    /// PyTorch's default initialisation (0.2 points better than He's on held-out images after 3 epochs).
    case lenet
    /// ModelM3 (An et al. 2020): ten 3x3 convolutions with BatchNorm; Adam 1e-3 × 0.98 per epoch, batch 120.
    case m3
    /// The shipped model: 32C3-32C3-32C5S2-64C3-64C3-64C5S2-128-10 with BatchNorm and dropout.
    case `default`

    /// A freshly initialised network, fixed by `seed`, with `classes` outputs: the ten digits, and an
    /// eleventh, "not a digit", for models that read pages with other marks on them. Without a seed every
    /// weight is zero, for weights read from a file.
    public func build(seed: UInt64?, classes: Int = 10) -> Network {
        var rng = RandomSource(seed: seed ?? 0)
        let he: WeightInit = seed == nil ? .zeros : .he, uniform: WeightInit = seed == nil ? .zeros : .uniform
        switch self {
        case .mlp:
            return Network(architecture: rawValue, normalization: InputNormalization(mean: 0.1307, std: 0.3081), layers: [
                Flatten(),
                Dense(784, 512, initialization: uniform, rng: &rng), ReLU(), Dropout(0.2),
                Dense(512, 512, initialization: uniform, rng: &rng), ReLU(), Dropout(0.2),
                Dense(512, classes, initialization: uniform, rng: &rng),
            ])
        case .lenet:
            // Each ReLU runs after its pooling: the same function and gradients as the other way round (max
            // and ReLU commute), on a quarter of the values.
            return Network(architecture: rawValue, normalization: InputNormalization(mean: 0.1307, std: 0.3081), layers: [
                Conv2D(1, 32, kernel: 5, padding: 2, initialization: uniform, rng: &rng), MaxPool(2), ReLU(),
                Conv2D(32, 64, kernel: 5, padding: 2, initialization: uniform, rng: &rng), MaxPool(2), ReLU(),
                Flatten(),
                Dense(3136, 128, initialization: uniform, rng: &rng), ReLU(), Dropout(0.5),
                Dense(128, classes, initialization: uniform, rng: &rng),
            ])
        case .m3:
            let channels = [1, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176]
            var layers = [any Layer]()
            for i in 0..<10 {
                layers += [Conv2D(channels[i], channels[i + 1], kernel: 3, bias: false, initialization: he, rng: &rng),
                           BatchNorm(channels[i + 1]), ReLU()] as [any Layer]
            }
            layers += [Flatten(channelsLast: true), Dense(176 * 8 * 8, classes, bias: false, initialization: he, rng: &rng), BatchNorm(classes)]
            return Network(architecture: rawValue, normalization: InputNormalization(mean: 0.5, std: 0.5), layers: layers)
        case .default:
            func block(_ cin: Int, _ cout: Int, _ k: Int, stride: Int = 1, padding: Int = 0) -> [any Layer] {
                [Conv2D(cin, cout, kernel: k, stride: stride, padding: padding, bias: false, initialization: he, rng: &rng),
                 BatchNorm(cout), ReLU()]
            }
            var layers = [any Layer]()
            layers += block(1, 32, 3) + block(32, 32, 3) + block(32, 32, 5, stride: 2, padding: 2)
            layers += [Dropout(0.4)]
            layers += block(32, 64, 3) + block(64, 64, 3) + block(64, 64, 5, stride: 2, padding: 2)
            layers += [Dropout(0.4), Flatten()]
            layers += [Dense(1024, 128, bias: false, initialization: he, rng: &rng), BatchNorm(128), ReLU(), Dropout(0.4)]
            layers += [Dense(128, classes, initialization: he, rng: &rng)]
            return Network(architecture: rawValue, normalization: InputNormalization(mean: 0.1307, std: 0.3081),
                           layers: layers)
        }
    }

    /// How this model is trained.
    public var recipe: Recipe {
        switch self {
        case .mlp:
            return Recipe(batchSize: 128, optimizer: .sgd(momentum: 0.9, nesterov: false, weightDecay: 0),
                          schedule: .step(base: 0.01, every: 15, gamma: 0.1), augmentation: nil, emaDecay: nil)
        case .lenet:
            return Recipe(batchSize: 128, optimizer: .adam(weightDecay: 0), schedule: .constant(1e-3),
                          augmentation: nil, emaDecay: nil)
        case .m3:
            return Recipe(batchSize: 120, optimizer: .adam(weightDecay: 0), schedule: .exponential(base: 1e-3, gamma: 0.98),
                          augmentation: Augmentation(rotation: 20, scale: 0, translation: 0.2), emaDecay: nil)
        case .default:
            return Recipe(batchSize: 128, optimizer: .adam(weightDecay: 0), schedule: .oneCycle(maxRate: 3e-3),
                          augmentation: Augmentation(rotation: 12, scale: 0.12, translation: 0.12), emaDecay: 0.999)
        }
    }
}

/// A training recipe: batch size, optimiser, learning-rate schedule, augmentation and weight averaging.
public struct Recipe: Sendable {
    public var batchSize: Int
    public var optimizer: OptimizerKind
    public var schedule: LRSchedule
    public var augmentation: Augmentation?
    /// Decay of the exponential moving average of weights used for evaluation (nil: no averaging).
    public var emaDecay: Float?
    /// Continental flags drawn on some training 1s (digits only; nil: none).
    public var flaggedOnes: FlaggedOne? = nil
    /// Slashes drawn through some training 0s (nil: none).
    public var slashedZeros: SlashedZero? = nil
}
