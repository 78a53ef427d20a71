import DigitImage
import DigitNet
import Foundation

/// The synthetic benchmark of numbers: strings of 2–6 MNIST test digits on synthetic paper, half of them
/// with every digit touching the next, from a fixed seed.
public enum StringBenchmark {
    /// One picture and its label per string.
    public static func make(from test: LabeledImages, count: Int = 1000, seed: UInt64 = 2026) -> [(name: String, label: String, image: GrayImage, touching: Bool)] {
        var rng = RandomSource(seed: seed)
        var out = [(name: String, label: String, image: GrayImage, touching: Bool)]()
        for k in 0..<count {
            let n = 2 + Int(rng.next() % 5)
            let touching = k % 2 == 0
            let indices = (0..<n).map { _ in Int(rng.next() % UInt64(test.count)) }
            let s = DigitString.make(indices, of: test, touching: touching, rng: &rng)
            let name = String(format: "string_%04d_%@.png", k, touching ? "touching" : "apart")
            out.append((name, s.label, s.onPaper(&rng), touching))
        }
        return out
    }
}
