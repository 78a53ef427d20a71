import Foundation

/// What the training loop reports after each batch.
public struct TrainingProgress: Sendable {
    public var epoch: Int  // 1-based
    public var batch: Int  // 1-based
    public var batches: Int
    /// Running means over the epoch so far.
    public var loss: Double
    public var accuracy: Double
    public var imagesPerSecond: Double
    public var elapsed: Double
}

/// One row of history.csv.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    public var learningRate: Double
    public var seconds: Double

    public static let csvHeader = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds"

    public var csvLine: String {
        "\(epoch),\(fmt(trainLoss)),\(fmt(trainAccuracy)),\(fmt(validationLoss)),\(fmt(validationAccuracy)),\(String(format: "%.6g", learningRate)),\(String(format: "%.2f", seconds))"
    }

    private func fmt(_ x: Double) -> String { String(format: "%.6f", x) }

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double,
                validationAccuracy: Double, learningRate: Double, seconds: Double) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss; self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate; self.seconds = seconds
    }

    /// Parses a csv line written by `csvLine`; nil if it is not one.
    public init?(csvLine line: String) {
        let f = line.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard f.count >= 7, let e = Int(f[0]) else { return nil }
        let v = f[1...6].map { Double($0) ?? .nan }
        self.init(epoch: e, trainLoss: v[0], trainAccuracy: v[1], validationLoss: v[2], validationAccuracy: v[3],
                  learningRate: v[4], seconds: v[5])
    }
}

/// How to train.
public struct TrainingOptions: Sendable {
    public var architecture: Architecture
    public var epochs: Int
    public var seed: UInt64 = 1
    public var threads: Int = 1
    /// Images held out from the end of the training set to validate on (and make any choice with).
    public var validationCount: Int = 5000
    /// Outputs: 10 digits, or 11 with "not a digit" (labels 10).
    public var classes: Int = 10
    public var recipe: Recipe

    public init(architecture: Architecture, epochs: Int, seed: UInt64 = 1, threads: Int = 1, validationCount: Int = 5000) {
        self.architecture = architecture; self.epochs = epochs; self.seed = seed
        self.threads = threads; self.validationCount = validationCount
        self.recipe = architecture.recipe
    }
}

/// The training loop: mini-batches in a seeded order, augmentation, forward, backward, update, weight
/// averaging; everything needed to resume lives in `checkpoint()`.
public struct Trainer: Sendable {
    public let options: TrainingOptions
    public private(set) var network: Network
    public private(set) var optimizer: Optimizer
    public private(set) var average: WeightAverage?
    /// Epochs completed.
    public private(set) var epoch = 0
    public let train: LabeledImages
    public let validation: LabeledImages

    /// Splits `data` into training and validation parts and initialises the network from the seed.
    public init(options: TrainingOptions, data: LabeledImages) {
        self.options = options
        let held = min(options.validationCount, data.count / 2)
        train = data.slice(0..<(data.count - held))
        validation = data.slice((data.count - held)..<data.count)
        network = options.architecture.build(seed: options.seed, classes: options.classes)
        optimizer = Optimizer(options.recipe.optimizer)
        average = options.recipe.emaDecay.map { WeightAverage(decay: $0, of: network) }
    }

    /// Starts from a trained network's weights (fine-tuning) instead of the seed's: the moving average, if
    /// any, starts from them too. Must be called before the first epoch.
    public mutating func start(from trained: Network, name: String) throws {
        guard trained.architecture == options.architecture.rawValue else {
            throw ModelFileError.otherArchitecture(name, trained.architecture, options.architecture.rawValue)
        }
        precondition(epoch == 0, "start(from:) after training began")
        if trained.classes < options.classes {
            guard let wide = trained.widened(to: options.classes) else {
                throw ModelFileError.notAModel(name, "its last layer cannot gain the class 'not a digit'")
            }
            network = wide
        } else {
            network = trained
        }
        average = options.recipe.emaDecay.map { WeightAverage(decay: $0, of: network) }
    }

    /// The weights to evaluate and ship: the running average when the recipe keeps one.
    public var evaluationNetwork: Network { average?.applied(to: network) ?? network }

    /// Trains one epoch. Returns nil, leaving the state as it was at the last full epoch's end is the
    /// caller's job (via the checkpoint), if `shouldStop` turns true mid-epoch.
    public mutating func trainEpoch(progress: (TrainingProgress) -> Void = { _ in },
                                    shouldStop: () -> Bool = { false }) -> EpochRecord? {
        let recipe = options.recipe, threads = options.threads
        let e = epoch
        var rng = RandomSource(seed: options.seed, UInt64(e + 1), 1)
        var order = Array(0..<train.count)
        order.shuffle(using: &rng)
        let batchSize = recipe.batchSize
        let batches = (order.count + batchSize - 1) / batchSize
        let start = Date()
        var lossSum: Double = 0, correct = 0, seen = 0
        var rate: Float = 0
        for b in 0..<batches {
            if shouldStop() { return nil }
            let indices = Array(order[(b * batchSize)..<min(order.count, (b + 1) * batchSize)])
            var x = train.tensor(indices)
            let labels = indices.map { Int(train.labels[$0]) }
            if recipe.augmentation != nil || recipe.flaggedOnes != nil || recipe.slashedZeros != nil {
                augment(&x, labels: labels, indices: indices, epoch: e, threads: threads)
            }
            let step = UInt64(optimizer.step + 1)
            let ctx = PassContext(training: true, threads: threads, seed: options.seed &* 0x2545_F491_4F6C_DD1D &+ step)
            let logits = network.forward(x, ctx)
            let (loss, grad, right) = SoftmaxCrossEntropy.lossAndGradient(logits, labels: labels)
            network.backward(grad, ctx)
            rate = recipe.schedule.rate(progress: Double(e) + Double(b) / Double(batches), totalEpochs: options.epochs)
            optimizer.update(&network, rate: rate, threads: threads)
            average?.update(from: &network, step: optimizer.step)
            lossSum += Double(loss) * Double(indices.count); correct += right; seen += indices.count
            let elapsed = Date().timeIntervalSince(start)
            progress(TrainingProgress(epoch: e + 1, batch: b + 1, batches: batches, loss: lossSum / Double(seen),
                                      accuracy: Double(correct) / Double(seen),
                                      imagesPerSecond: Double(seen) / max(elapsed, 1e-9), elapsed: elapsed))
        }
        epoch += 1
        let evalNet = evaluationNetwork
        let val = Evaluation(data: validation) { evalNet.probabilities($0, batchSize: 500, threads: threads) }
        // Without a validation set (--validation 0) its figures are unknown, not zero.
        let held = validation.count > 0
        return EpochRecord(epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)),
                           trainAccuracy: Double(correct) / Double(max(seen, 1)), validationLoss: held ? val.loss : .nan,
                           validationAccuracy: held ? val.accuracy : .nan, learningRate: Double(rate),
                           seconds: Date().timeIntervalSince(start))
    }

    /// Flags some 1s and slashes some 0s, then distorts every image; each image draws from its own seeded streams.
    private func augment(_ x: inout Tensor, labels: [Int], indices: [Int], epoch: Int, threads: Int) {
        let side = x.shape[2], size = side * side, seed = options.seed
        let aug = options.recipe.augmentation, flag = options.recipe.flaggedOnes, slash = options.recipe.slashedZeros
        var source = x
        source.data.withUnsafeMutableBufferPointer { src in
            x.data.withUnsafeMutableBufferPointer { out in
                let dst = SharedPointer(out.baseAddress!), sp = SharedPointer(src.baseAddress!)
                parallel(min(threads, indices.count)) { t in
                    for k in slice(indices.count, part: t, of: threads) {
                        let stream = UInt64(epoch + 1) << 32 | UInt64(indices[k])
                        if let flag, labels[k] == 1 {
                            var rng = RandomSource(seed: seed, stream, 3)
                            flag.apply(sp.p + k * size, side: side, rng: &rng)
                        }
                        if let slash, labels[k] == 0 {
                            var rng = RandomSource(seed: seed, stream, 4)
                            slash.apply(sp.p + k * size, side: side, rng: &rng)
                        }
                        if let aug {
                            var rng = RandomSource(seed: seed, stream, 2)
                            aug.apply(sp.p + k * size, to: dst.p + k * size, side: side, rng: &rng)
                        } else {
                            (dst.p + k * size).update(from: sp.p + k * size, count: size)
                        }
                    }
                }
            }
        }
    }

    /// Everything needed to continue exactly where this epoch ended.
    public func checkpoint() -> Safetensors {
        let tensors = network.namedTensors + optimizer.checkpointTensors + (average?.checkpointTensors ?? [])
        return Safetensors(tensors: tensors, metadata: [
            "format": "digits-checkpoint", "architecture": options.architecture.rawValue,
            "epoch": String(epoch), "step": String(optimizer.step), "seed": String(options.seed),
            "normalization_mean": String(network.normalization.mean),
            "normalization_std": String(network.normalization.std),
        ])
    }

    /// Restores the state saved by `checkpoint()`; `name` is used in errors.
    public mutating func restore(from file: Safetensors, name: String) throws {
        guard file.metadata["format"] == "digits-checkpoint" else {
            throw ModelFileError.notAModel(name, "not a training checkpoint")
        }
        guard file.metadata["architecture"] == options.architecture.rawValue else {
            throw ModelFileError.notAModel(name, "checkpoint is for \(file.metadata["architecture"] ?? "?"), not \(options.architecture.rawValue)")
        }
        guard let e = file.metadata["epoch"].flatMap(Int.init), let s = file.metadata["step"].flatMap(Int.init) else {
            throw ModelFileError.notAModel(name, "checkpoint has no epoch")
        }
        guard e >= 0, s >= 0 else {
            throw ModelFileError.notAModel(name, "checkpoint has epoch \(e) and step \(s); neither can be negative")
        }
        try network.load(from: file, prefix: "", name: name)
        optimizer = Optimizer(options.recipe.optimizer, step: s, checkpoint: file)
        if var avg = average {
            try avg.restore(from: file, name: name)
            average = avg
        }
        epoch = e
    }
}
