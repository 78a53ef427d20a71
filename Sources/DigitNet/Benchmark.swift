import Dispatch

/// Measured speed of one architecture: medians over several timed runs after a warm-up.
public struct SpeedReport: Sendable {
    public var architecture: Architecture
    public var threads: Int
    public var trainImagesPerSecond: Double
    /// Inference images per second, keyed by batch size.
    public var inferImagesPerSecond: [Int: Double]
    /// Multiply-adds per image in a forward pass.
    public var multiplyAdds: Int

    /// Arithmetic rate of training, counted as direct convolution would do it: forward, input gradients and
    /// weight gradients are each about 2·MACs flops. Winograd layers do fewer multiplications, so this
    /// effective rate can exceed what sgemm reaches.
    public var trainGFLOPS: Double { trainImagesPerSecond * Double(multiplyAdds) * 6 / 1e9 }

    public func inferGFLOPS(batch: Int) -> Double { (inferImagesPerSecond[batch] ?? 0) * Double(multiplyAdds) * 2 / 1e9 }
}

/// Times training steps and inference on random 28x28 inputs (speed does not depend on the values).
public enum Benchmark {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Median of `runs` rates, each run lasting about `seconds`.
    public static func medianRate(runs: Int, seconds: Double, itemsPerCall: Int, _ call: () -> Void) -> Double {
        let t0 = now()
        call()  // warm-up, and an estimate of one call's time
        let once = max(now() - t0, 1e-6)
        let calls = max(1, Int(seconds / once))
        var rates = [Double]()
        for _ in 0..<runs {
            let start = now()
            for _ in 0..<calls { call() }
            rates.append(Double(calls * itemsPerCall) / (now() - start))
        }
        rates.sort()
        return rates[rates.count / 2]
    }

    public static func run(_ architecture: Architecture, threads: Int, runs: Int = 5, seconds: Double = 1,
                           inferenceBatches: [Int] = [1, 64, 1000]) -> SpeedReport {
        var rng = RandomSource(seed: 42)
        let recipe = architecture.recipe
        let batch = recipe.batchSize
        var x = Tensor(zeros: [batch, 1, 28, 28])
        for i in x.data.indices { x.data[i] = rng.uniform() < 0.2 ? rng.uniform() : 0 }
        let labels = (0..<batch).map { _ in Int(rng.next() % 10) }
        var net = architecture.build(seed: 1)
        var optimizer = Optimizer(recipe.optimizer)
        let ctx = PassContext(training: true, threads: threads, seed: 3)
        let train = medianRate(runs: runs, seconds: seconds, itemsPerCall: batch) {
            let logits = net.forward(x, ctx)
            let (_, grad, _) = SoftmaxCrossEntropy.lossAndGradient(logits, labels: labels)
            net.backward(grad, ctx)
            optimizer.update(&net, rate: 1e-4, threads: threads)
        }
        var infer = [Int: Double]()
        for b in inferenceBatches {
            infer[b] = inferenceRate(net, batch: b, threads: threads, runs: runs, seconds: seconds / 2, rng: &rng)
        }
        return SpeedReport(architecture: architecture, threads: threads, trainImagesPerSecond: train,
                           inferImagesPerSecond: infer, multiplyAdds: net.multiplyAdds)
    }

    /// Images a second `net` reads in batches of `batch` on random inputs: the median of `runs` runs of about
    /// `seconds` each.
    public static func inferenceRate(_ net: Network, batch: Int, threads: Int, runs: Int, seconds: Double,
                                     rng: inout RandomSource) -> Double {
        var input = Tensor(zeros: [batch, 1, 28, 28])
        for i in input.data.indices { input.data[i] = rng.uniform() < 0.2 ? rng.uniform() : 0 }
        return medianRate(runs: runs, seconds: seconds, itemsPerCall: batch) {
            _ = net.probabilities(input, batchSize: batch, threads: threads)
        }
    }

    /// How fast the BLAS kernels loaded run what `digits` runs most, the bundled network's architecture
    /// reading a scan's digits: the geometric mean of its images a second at batch 1 and 64, one thread,
    /// median of three runs of 50 ms each. Small products rank kernel sets otherwise than large ones do (on
    /// one AMD EPYC the AVX2 kernels win 512³ products by 4 % and lose the network at batch 1 by half).
    public static func kernelScore() -> Double {
        var rng = RandomSource(seed: 42)
        let net = Architecture.default.build(seed: 1)
        let one = inferenceRate(net, batch: 1, threads: 1, runs: 3, seconds: 0.05, rng: &rng)
        let many = inferenceRate(net, batch: 64, threads: 1, runs: 3, seconds: 0.05, rng: &rng)
        return (one * many).squareRoot()
    }

    /// What OpenBLAS's sgemm itself reaches here: GFLOP/s of n×n×n products (1024 by default), one per
    /// thread, the ceiling the networks' matrix products run under.
    public static func sgemmGFLOPS(threads: Int, runs: Int = 5, size n: Int = 1024, seconds: Double = 1) -> Double {
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: threads * n * n)
        let rate = a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    let out = SharedPointer(cp.baseAddress!)
                    return medianRate(runs: runs, seconds: seconds, itemsPerCall: threads) {
                        parallel(threads) { t in
                            gemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: bp.baseAddress!, ldb: n, c: out.p + t * n * n, ldc: n)
                        }
                    }
                }
            }
        }
        return rate * 2 * Double(n * n * n) / 1e9
    }
}
