import ArgumentParser
import DigitBatch
import DigitData
import DigitNet
import DigitSynth
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on MNIST-format data; checkpoints every epoch, --resume continues.")

    @Option(help: "Architecture.")
    var model: Architecture = .default

    @OptionGroup var data: DataOption

    @Option(parsing: .unconditional, help: "Number of epochs in all (with --resume: including those already done).")
    var epochs: Int = 10

    @Option(help: "Run folder: history.csv, checkpoint.safetensors, model.safetensors.")
    var out: String

    @Option(help: "Random seed: the same seed and thread count give the same result.")
    var seed: UInt64 = 1

    @OptionGroup var threads: ThreadsOption

    @Option(parsing: .unconditional, help: "Training images held out for validation (taken from the end of the training set).")
    var validation: Int = 5000

    @Option(parsing: .unconditional, help: "Use only the first N training images (quick runs; at least 10).")
    var limit: Int?

    @Option(help: "Constant learning rate instead of the model's schedule.")
    var learningRate: Float?

    @Option(help: "One-cycle schedule peaking at this learning rate instead of the model's schedule (fine-tuning).")
    var oneCycle: Float?

    @Option(help: "Decay of the moving average of weights used for evaluation (0: none; default: the model's recipe).")
    var ema: Float?

    @Option(help: "L2 weight decay for the optimiser instead of the model's recipe.")
    var weightDecay: Float?

    @Flag(inversion: .prefixedNo, help: "Random affine augmentation, where the model's recipe uses it.")
    var augment = true

    @Option(help: "Draw continental flags on this fraction (0–1) of the straight training 1s.")
    var flaggedOnes: Float?

    @Option(help: "Strike through this fraction (0–1) of the training 0s, as many writers slash their zeros.")
    var slashedZeros: Float?

    @Option(help: "Add this many synthetic marks that are not digits or are several digits run together (classes 10 and 11), and half as many digits cut from touching strings: a model that reads pages. Give it again with --resume.")
    var notDigits: Int?

    @Option(name: .customLong("init"), help: "Start from this model's weights (same architecture) instead of random ones: fine-tuning.")
    var initial: String?

    @Option(help: "With --init naming an ensemble: the member (from 1) to start from.")
    var member: Int?

    @Flag(help: "Continue the run in --out from its last checkpoint.")
    var resume = false

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1") }
        guard validation >= 0 else { throw ValidationError("--validation must be 0 or more") }
        if let limit, limit < 10 { throw ValidationError("--limit must be at least 10") }
        if learningRate != nil && oneCycle != nil { throw ValidationError("give --learning-rate or --one-cycle, not both") }
        if let flaggedOnes, !(0...1).contains(flaggedOnes) { throw ValidationError("--flagged-ones must be between 0 and 1") }
        if let slashedZeros, !(0...1).contains(slashedZeros) { throw ValidationError("--slashed-zeros must be between 0 and 1") }
        if let notDigits, notDigits < 10 { throw ValidationError("--not-digits must be at least 10") }
    }

    func run() throws {
        useSingleThreadedBLAS()
        let dataSet = DataSet.resolve(data.data)
        var all = try Failure.setUp { try dataSet.training() }
        if let limit, limit < all.count { all = all.slice(0..<limit) }
        guard validation <= all.count / 2 else {
            throw Failure.unusable("--validation \(validation) is more than half of the \(all.count) training images; hold out at most \(all.count / 2)")
        }
        var validationCount = validation
        if let notDigits {
            (all, validationCount) = TrainingMarks.extend(all, validationCount: validation, notDigits: notDigits, seed: seed)
        }
        var options = TrainingOptions(architecture: model, epochs: epochs, seed: seed,
                                      threads: threads.threads, validationCount: validationCount)
        if notDigits != nil { options.classes = MarkClasses.pageModel }
        if let learningRate { options.recipe.schedule = .constant(learningRate) }
        if let oneCycle { options.recipe.schedule = .oneCycle(maxRate: oneCycle) }
        if let weightDecay { options.recipe.optimizer = options.recipe.optimizer.withWeightDecay(weightDecay) }
        if !augment { options.recipe.augmentation = nil }
        if let flaggedOnes { options.recipe.flaggedOnes = FlaggedOne(probability: flaggedOnes) }
        if let slashedZeros { options.recipe.slashedZeros = SlashedZero(probability: slashedZeros) }
        if let ema { options.recipe.emaDecay = ema > 0 ? ema : nil }
        var trainer = Trainer(options: options, data: all)
        let run = TrainingRun(directory: URL(fileURLWithPath: out))
        try Failure.setUp {
            if let initial, !resume {
                let model = try Classifier(contentsOf: URL(fileURLWithPath: initial))
                try trainer.start(from: model.member(member, name: initial), name: initial)
            }
            try run.open(&trainer, resume: resume)
        }
        if trainer.epoch >= epochs {
            print("\(out): already trained for \(trainer.epoch) epochs")
            return
        }
        print("training \(model) (\(trainer.network.parameterCount) parameters, \(trainer.network.multiplyAdds) multiply-adds per image) on \(trainer.train.count) images, validating on \(trainer.validation.count), \(threads.threads) thread(s)")
        installInterruptHandler()
        var line = ProgressLine()
        while trainer.epoch < epochs {
            let e = trainer.epoch + 1
            let record = trainer.trainEpoch(progress: { p in
                let fraction = Double(p.batch) / Double(p.batches)
                let eta = p.elapsed / fraction * (1 - fraction)
                line.update(String(format: "epoch %d/%d %@ %d/%d loss %.4f acc %.2f%% %.0f img/s ETA %@",
                                   p.epoch, epochs, bar(fraction), p.batch, p.batches, p.loss, 100 * p.accuracy,
                                   p.imagesPerSecond, clock(eta)), fraction: fraction)
            }, shouldStop: { interruptRequested })
            guard let record else {
                line.finish("interrupted in epoch \(e); \(run.checkpointURL.path) holds epoch \(e - 1); continue with --resume")
                throw Failure(status: 130, message: nil)
            }
            guard record.trainLoss.isFinite else {
                // Nothing is saved: the weights are no longer numbers.
                line.finish("")
                throw Failure.failed("training diverged in epoch \(e) (the loss is not a number); \(run.checkpointURL.path) keeps epoch \(e - 1); try a lower --learning-rate")
            }
            try Failure.working {
                try run.save(trainer, record: record)
                try TrainingHistory.plot(run.history(), to: out)
            }
            // With --validation 0 no images are held out: say so rather than print "nan".
            let validation = record.validationLoss.isNaN ? "no validation set"
                : String(format: "val loss %.4f acc %.2f%%", record.validationLoss, 100 * record.validationAccuracy)
            line.finish(String(format: "epoch %d/%d  train loss %.4f acc %.2f%%  %@  lr %.2e  %.0fs",
                               record.epoch, epochs, record.trainLoss, 100 * record.trainAccuracy, validation,
                               record.learningRate, record.seconds))
        }
        // Final figure on the test set, recorded in the model's metadata (never used for any choice).
        if let test = try? dataSet.test() {
            let net = trainer.evaluationNetwork
            let result = Evaluation(data: test) { net.probabilities($0, batchSize: 500, threads: threads.threads) }
            if let last = run.history().last {
                try Failure.working { try run.save(trainer, record: last, extraMetadata: ["test_accuracy": String(result.accuracy)]) }
            }
            print(String(format: "test accuracy %.2f%% (%d/%d) — %@", 100 * result.accuracy, result.confusion.correct,
                         result.confusion.total, run.modelURL.path))
        }
    }
}
