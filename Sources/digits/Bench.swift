import ArgumentParser
import DigitBatch
import DigitNet
import DigitVision
import Foundation

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Training and inference speed (images/s), medians of several runs after a warm-up. Use a release build.")

    @Option(help: "Architectures, comma-separated: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ArchitectureList = ArchitectureList([.default])

    @OptionGroup var threads: ThreadsOption

    @Option(help: "Timed runs per figure (the median is reported).")
    var runs: Int = 5

    @Option(help: "Seconds per timed training run (inference runs take half).")
    var seconds: Double = 1

    @Flag(help: "Print one JSON object per model.")
    var json = false

    @Option(help: "Instead of the network: time the scan pipeline (one core) on this image, stage by stage (repeatable).")
    var scan: [String] = []

    func run() throws {
        useSingleThreadedBLAS()
        if !scan.isEmpty { return try benchScan() }
        let threads = threads.threads
        Pipeline.useOpenCVThreads(threads)  // OpenCV's dnn, timed beside the network, on as many cores
        let peak = Benchmark.sgemmGFLOPS(threads: threads, runs: runs)
        if !json { print("OpenBLAS sgemm 1024³ (\(blasKernels) kernels): " + String(format: "%.1f GFLOP/s on %d thread(s); the rows below count a direct convolution's flops (Winograd layers do fewer)", peak, threads)) }
        for a in model.items {
            let r = Benchmark.run(a, threads: threads, runs: runs, seconds: seconds)
            // The same network exported to ONNX and run by OpenCV's dnn, timed the same way.
            let opencv = try Failure.working { try OpenCVEngine(Classifier(members: [a.build(seed: 1)])) }
            var rng = RandomSource(seed: 5)
            var cv = [Int: Double]()
            for b in [1, 64, 1000] {
                let x = Tensor(shape: [b, 1, 28, 28], data: (0..<(b * 784)).map { _ in rng.uniform() < 0.2 ? rng.uniform() : 0 })
                cv[b] = Benchmark.medianRate(runs: runs, seconds: seconds / 2, itemsPerCall: b) { _ = try? opencv.probabilities(x, batchSize: b) }
            }
            if json {
                let object: [String: Any] = [
                    "model": a.rawValue, "threads": threads, "blas_kernels": blasKernels, "train_images_per_second": r.trainImagesPerSecond,
                    "train_gflops": r.trainGFLOPS, "multiply_adds": r.multiplyAdds, "sgemm_gflops": peak,
                    "infer_images_per_second": Dictionary(uniqueKeysWithValues: r.inferImagesPerSecond.map { (String($0.key), $0.value) }),
                    "opencv_infer_images_per_second": Dictionary(uniqueKeysWithValues: cv.map { (String($0.key), $0.value) }),
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(String(format: "%-8@ threads %d  train %8.0f img/s (%5.1f GFLOP/s)  infer b1 %8.0f  b64 %8.0f  b1000 %8.0f img/s  | opencv dnn b1 %8.0f  b64 %8.0f  b1000 %8.0f img/s",
                             a.rawValue, threads, r.trainImagesPerSecond, r.trainGFLOPS,
                             r.inferImagesPerSecond[1] ?? 0, r.inferImagesPerSecond[64] ?? 0, r.inferImagesPerSecond[1000] ?? 0,
                             cv[1] ?? 0, cv[64] ?? 0, cv[1000] ?? 0))
            }
        }
    }

    /// Median milliseconds per stage over `runs` runs after a warm-up, decode included.
    func benchScan() throws {
        Pipeline.useOpenCVThreads(1)  // one core, as the target is stated
        for file in scan {
            var decode = [Double](), stages = [String: [Double]](), order = [String](), total = [Double]()
            var digits = 0
            for k in 0...max(1, runs) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let image = try Failure.setUp { try Decoder.load(file) }
                let t1 = DispatchTime.now().uptimeNanoseconds
                let result = try Pipeline.run(image)
                let t2 = DispatchTime.now().uptimeNanoseconds
                if k == 0 { order = result.timings.map(\.stage); continue }  // warm-up
                digits = result.digits.count
                decode.append(Double(t1 - t0) / 1e6)
                total.append(Double(t2 - t0) / 1e6)
                for (stage, seconds) in result.timings { stages[stage, default: []].append(seconds * 1e3) }
            }
            func median(_ v: [Double]) -> Double { let s = v.sorted(); return s.isEmpty ? 0 : s[s.count / 2] }
            let parts = [("decode", median(decode))] + order.map { ($0, median(stages[$0] ?? [])) }
            if json {
                var object: [String: Any] = ["file": file, "digits": digits, "total_ms": median(total), "runs": runs]
                for (k, v) in parts { object[k + "_ms"] = v }
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(String(format: "%@: %d digit(s), %.2f ms (median of %d)  ", file, digits, median(total), runs)
                      + parts.map { String(format: "%@ %.2f", $0.0, $0.1) }.joined(separator: ", "))
            }
        }
    }
}
