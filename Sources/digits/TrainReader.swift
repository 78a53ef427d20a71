import ArgumentParser
import DigitData
import DigitNet
import DigitSynth
import Foundation

struct TrainReader: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-reader",
        abstract: "Train the line reader (numbers with touching digits) on synthetic strings of MNIST training digits and on words and strokes that read as nothing; checkpoints every epoch, --resume continues.")

    @OptionGroup var data: DataOption
    @OptionGroup var threads: ThreadsOption

    @Option(help: "Run folder: checkpoint.safetensors and reader.safetensors.")
    var out: String

    @Option(parsing: .unconditional, help: "Number of epochs in all (with --resume: including those already done).")
    var epochs = 6

    @Option(parsing: .unconditional, help: "Batches of 32 strips per epoch.")
    var steps = 1500

    @Option(help: "Peak learning rate of the one-cycle schedule.")
    var learningRate: Float = 2e-3

    @Option(help: "Random seed: strips and initial weights.")
    var seed: UInt64 = 1

    @Option(name: .customLong("init"), help: "Start from this reader's weights instead of random ones.")
    var initial: String?

    @Flag(help: "Continue the run in --out from its last checkpoint.")
    var resume = false

    func validate() throws {
        guard epochs > 0, steps > 0 else { throw ValidationError("--epochs and --steps must be at least 1") }
    }

    func run() throws {
        useSingleThreadedBLAS()
        // The last 5,000 training images stay out, as `digits train` holds them out for validation.
        let all = try Failure.setUp { try DataSet.resolve(data.data).training() }
        let digits = all.slice(0..<(all.count - min(5000, all.count / 2)))
        let folder = URL(fileURLWithPath: out)
        let checkpoint = folder.appendingPathComponent("checkpoint.safetensors")
        let model = folder.appendingPathComponent("reader.safetensors")
        var training = LineTraining(epochs: epochs, stepsPerEpoch: steps, maxRate: learningRate, threads: threads.threads, seed: seed)
        try Failure.setUp {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if resume {
                try training.restore(from: Safetensors(contentsOf: checkpoint), name: checkpoint.path)
            } else if let initial {
                try training.start(from: LineReader(Classifier(contentsOf: URL(fileURLWithPath: initial)), name: initial))
            }
        }
        print("training the line reader (\(training.network.parameterCount) parameters) on \(steps * 32) strips an epoch, \(threads.threads) thread(s)")
        installInterruptHandler()
        var line = ProgressLine()
        while training.epoch < epochs {
            let e = training.epoch + 1
            // Each epoch draws its own strips, the same on every run and after --resume.
            var source = LineSamples(digits: digits, seed: seed &* 1000 &+ UInt64(e))
            let start = Date()
            let loss = training.trainEpoch(next: {
                let (strip, digits) = source.next()
                return (strip.width, strip.pixels, digits)
            }, progress: { b, loss in
                line.update(String(format: "epoch %d/%d %@ %d/%d loss %.4f", e, epochs, bar(Double(b) / Double(steps)), b, steps, loss),
                            fraction: Double(b) / Double(steps))
            }, shouldStop: { interruptRequested })
            guard let loss else {
                line.finish("interrupted in epoch \(e); \(checkpoint.path) holds epoch \(e - 1); continue with --resume")
                throw Failure(status: 130, message: nil)
            }
            guard loss.isFinite else {
                line.finish("")
                throw Failure.failed("training diverged in epoch \(e); \(checkpoint.path) keeps epoch \(e - 1); try a lower --learning-rate")
            }
            try Failure.working {
                try training.checkpoint().write(to: checkpoint)
                try training.reader.classifier.write(to: model)
            }
            line.finish(String(format: "epoch %d/%d  loss %.4f  %.0fs", e, epochs, loss, Date().timeIntervalSince(start)))
        }
        print("\(model.path)")
    }
}
