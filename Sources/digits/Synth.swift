import ArgumentParser
import DigitBatch
import DigitData
import DigitImage
import DigitNet
import DigitSynth
import DigitVision
import Foundation

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make synthetic data from MNIST: the benchmark of handwritten numbers, or training marks to look at.",
        subcommands: [Benchmark.self, Marks.self, Strips.self])

    struct Benchmark: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Strings of 2–6 MNIST test digits on synthetic paper, half of them touching: PNGs and labels.csv.")

        @OptionGroup var data: DataOption

        @Option(help: "Output folder.")
        var out: String

        @Option(help: "Number of strings.")
        var count = 1000

        @Option(help: "Random seed (the same seed gives the same files).")
        var seed: UInt64 = 2026

        @Flag(help: "Draw from the training images instead of the test images (a set to tune on).")
        var training = false

        func run() throws {
            let set = DataSet.resolve(data.data)
            let test = try Failure.setUp { try training ? set.training() : set.test() }
            try Failure.working {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                var labels = "file,label\n"
                for s in StringBenchmark.make(from: test, count: count, seed: seed) {
                    try s.image.writePNG(to: (out as NSString).appendingPathComponent(s.name))
                    labels += "\(s.name),\(s.label)\n"
                }
                try labels.write(toFile: (out as NSString).appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
            }
            print("\(out): \(count) strings and labels.csv")
        }
    }

    struct Marks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training marks as `digits train --not-digits` makes them: IDX files and a picture of them.")

        @OptionGroup var data: DataOption

        @Option(help: "Output folder.")
        var out: String

        @Option(help: "Marks that are not digits.")
        var notDigits = 400

        @Option(help: "Digits cut from touching strings.")
        var cutDigits = 200

        @Option(help: "Random seed.")
        var seed: UInt64 = 1

        func run() throws {
            let train = try Failure.setUp { try DataSet.resolve(data.data).training() }
            let marks = TrainingMarks.make(from: train, notDigits: notDigits, cutDigits: cutDigits, seed: seed)
            try Failure.working {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try Data(IDX.header([marks.count, 28, 28]) + marks.pixels).write(to: URL(fileURLWithPath: out + "/marks-idx3-ubyte"))
                try Data(IDX.header([marks.count]) + marks.labels).write(to: URL(fileURLWithPath: out + "/marks-idx1-ubyte"))
                let samples = (0..<marks.count).map { Array(marks.pixels[($0 * 784)..<(($0 + 1) * 784)]) }
                try GrayImage.tiled(samples).writePNG(to: out + "/marks.png")
            }
            print("\(out): \(marks.count) marks")
        }
    }

    struct Strips: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training strips as `digits train-reader` makes them: a picture of them, one a row, and their digits.")

        @OptionGroup var data: DataOption

        @Option(help: "Output folder.")
        var out: String

        @Option(help: "Number of strips.")
        var count = 40

        @Option(help: "Random seed.")
        var seed: UInt64 = 1

        func run() throws {
            let train = try Failure.setUp { try DataSet.resolve(data.data).training() }
            var source = LineSamples(digits: train, seed: seed)
            let strips = (0..<count).map { _ in source.next() }
            try Failure.working {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try LineStrip.picture(strips.map(\.strip)).writePNG(to: out + "/strips.png")
                try strips.map { $0.digits.map(String.init).joined() }.joined(separator: "\n")
                    .write(toFile: out + "/strips.txt", atomically: true, encoding: .utf8)
            }
            print("\(out): \(count) strips")
        }
    }
}
