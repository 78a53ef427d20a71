import ArgumentParser
import DigitNet
import Foundation

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Training and inference speed (images/s), medians of several runs after a warm-up. Use a release build.")

    @Option(help: "Architectures, comma-separated: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: String = "default"

    @Option(help: "Threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Timed runs per figure (the median is reported).")
    var runs: Int = 5

    @Option(help: "Seconds per timed training run (inference runs take half).")
    var seconds: Double = 1

    @Flag(help: "Print one JSON object per model.")
    var json = false

    func run() throws {
        useSingleThreadedBLAS()
        let names = model.split(separator: ",").map(String.init)
        let archs = try names.map { name -> Architecture in
            guard let a = Architecture(rawValue: name) else { throw ValidationError("unknown model '\(name)'") }
            return a
        }
        for a in archs {
            let r = Benchmark.run(a, threads: threads, runs: runs, seconds: seconds)
            if json {
                let object: [String: Any] = [
                    "model": a.rawValue, "threads": threads, "train_images_per_second": r.trainImagesPerSecond,
                    "train_gflops": r.trainGFLOPS, "multiply_adds": r.multiplyAdds,
                    "infer_images_per_second": Dictionary(uniqueKeysWithValues: r.inferImagesPerSecond.map { (String($0.key), $0.value) }),
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(String(format: "%-8@ threads %d  train %8.0f img/s (%5.1f GFLOP/s)  infer b1 %8.0f  b64 %8.0f  b1000 %8.0f img/s",
                             a.rawValue, threads, r.trainImagesPerSecond, r.trainGFLOPS,
                             r.inferImagesPerSecond[1] ?? 0, r.inferImagesPerSecond[64] ?? 0, r.inferImagesPerSecond[1000] ?? 0))
            }
        }
    }
}
