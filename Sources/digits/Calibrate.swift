import ArgumentParser
import DigitData
import DigitNet
import DigitSynth
import Foundation

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a model's temperature on held-out training images so that its confidences are honest; write the model with it.")

    @OptionGroup var model: ModelOption
    @OptionGroup var data: DataOption
    @OptionGroup var threads: ThreadsOption

    @Option(help: "The model file to write.")
    var out: String

    @Option(help: "Held-out training images: the last N of the training set, as `digits train --validation` holds out.")
    var validation = 5000

    @Option(help: "For a model with the class 'not a digit': the --not-digits its training used (its held-out marks join the set).")
    var notDigits = 30000

    @Option(help: "The --seed its training used.")
    var seed: UInt64 = 1

    func run() throws {
        useSingleThreadedBLAS()
        var (classifier, _) = try model.load()
        let all = try Failure.setUp { try DataSet.resolve(data.data).training() }
        var held = all.slice((all.count - min(validation, all.count / 2))..<all.count)
        if classifier.members[0].classes > 10 {
            let (data, count) = TrainingMarks.extend(all, validationCount: validation, notDigits: notDigits, seed: seed)
            held = data.slice((data.count - count)..<data.count)
        }
        classifier.temperature = 1
        let p = classifier.probabilities(held.allPixels, batchSize: 500, threads: threads.threads, allMembers: true)
        let t = Calibration.temperature(p, labels: held.labels)
        let before = Calibration.loss(p, labels: held.labels, temperature: 1), after = Calibration.loss(p, labels: held.labels, temperature: t)
        classifier.temperature = t
        try Failure.working { try classifier.write(to: URL(fileURLWithPath: out)) }
        print(String(format: "%@: temperature %.3f on %d held-out images (loss %.4f → %.4f)", out, t, held.count, before, after))
    }
}
