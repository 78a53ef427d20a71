import Foundation

/// Trains a `LineReader` with CTC on strips drawn from a source: Adam with a one-cycle schedule, a moving
/// average of the weights for evaluation, and a checkpoint after every epoch that resumes exactly.
public struct LineTraining: Sendable {
    /// One strip (28 rows, ink bright) and the digits it reads.
    public typealias Sample = (width: Int, pixels: [Float], digits: [Int])

    public let epochs: Int, stepsPerEpoch: Int, batchSize: Int, maxRate: Float, threads: Int, seed: UInt64
    public private(set) var network: Network
    public private(set) var optimizer = Optimizer(.adam(weightDecay: 0))
    public private(set) var average: WeightAverage
    /// Epochs completed.
    public private(set) var epoch = 0

    public init(epochs: Int, stepsPerEpoch: Int, batchSize: Int = 32, maxRate: Float = 2e-3, threads: Int = 1, seed: UInt64 = 1) {
        self.epochs = epochs; self.stepsPerEpoch = stepsPerEpoch; self.batchSize = batchSize
        self.maxRate = maxRate; self.threads = threads; self.seed = seed
        network = LineReader.build(seed: seed)
        average = WeightAverage(decay: 0.999, of: network)
    }

    /// Starts from a trained reader's weights instead of the seed's (before the first epoch).
    public mutating func start(from trained: LineReader) {
        precondition(epoch == 0, "start(from:) after training began")
        network = trained.network
        average = WeightAverage(decay: 0.999, of: network)
    }

    /// The reader to evaluate and ship: the moving average of the weights.
    public var reader: LineReader {
        LineReader(network: average.applied(to: network), metadata: ["epoch": String(epoch), "frame_stride": "2"])
    }

    /// Trains one epoch on `stepsPerEpoch` batches from `next`; returns the mean loss, or nil when
    /// `shouldStop` turned true (the state is then that of the last whole epoch only in the checkpoint).
    public mutating func trainEpoch(next: () -> Sample, progress: (Int, Double) -> Void = { _, _ in },
                                    shouldStop: () -> Bool = { false }) -> Double? {
        var lossSum = 0.0
        for b in 0..<stepsPerEpoch {
            if shouldStop() { return nil }
            let samples = (0..<batchSize).map { _ in next() }
            let step = UInt64(optimizer.step + 1)
            let ctx = PassContext(training: true, threads: threads, seed: seed &* 0x2545_F491_4F6C_DD1D &+ step)
            // Both phases of every strip, read as one sequence of a frame every 2 columns.
            let strips = samples.map { ($0.width, $0.pixels) }
            let logits = network.forward(LineReader.batch(strips + strips.map(LineReader.shifted)), ctx)
            let (loss, grad, _) = CTC.lossAndGradient(LineReader.interleaved(logits), targets: samples.map(\.digits))
            network.backward(LineReader.deinterleaved(grad), ctx)
            let rate = LRSchedule.oneCycle(maxRate: maxRate).rate(progress: Double(epoch) + Double(b) / Double(stepsPerEpoch),
                                                                  totalEpochs: epochs)
            optimizer.update(&network, rate: rate, threads: threads)
            average.update(from: &network, step: optimizer.step)
            lossSum += loss
            progress(b + 1, lossSum / Double(b + 1))
        }
        epoch += 1
        return lossSum / Double(stepsPerEpoch)
    }

    /// Everything needed to continue where this epoch ended.
    public func checkpoint() -> Safetensors {
        let tensors = network.namedTensors + optimizer.checkpointTensors + average.checkpointTensors
        return Safetensors(tensors: tensors, metadata: [
            "format": "digits-checkpoint", "architecture": LineReader.architecture,
            "epoch": String(epoch), "step": String(optimizer.step), "seed": String(seed),
        ])
    }

    /// Restores the state saved by `checkpoint()`; `name` is used in errors.
    public mutating func restore(from file: Safetensors, name: String) throws {
        guard file.metadata["format"] == "digits-checkpoint", file.metadata["architecture"] == LineReader.architecture else {
            throw ModelFileError.notAModel(name, "not a line reader's training checkpoint")
        }
        guard let e = file.metadata["epoch"].flatMap(Int.init), let s = file.metadata["step"].flatMap(Int.init), e >= 0, s >= 0 else {
            throw ModelFileError.notAModel(name, "checkpoint has no valid epoch and step")
        }
        try network.load(from: file, prefix: "", name: name)
        optimizer = Optimizer(.adam(weightDecay: 0), step: s, checkpoint: file)
        try average.restore(from: file, name: name)
        epoch = e
    }
}
