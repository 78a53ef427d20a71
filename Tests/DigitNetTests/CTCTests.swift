@testable import DigitNet
import XCTest

final class CTCTests: XCTestCase {
    /// Logits [1, C, 1, T] from a seeded source.
    func logits(classes c: Int, frames t: Int, seed: UInt64) -> Tensor {
        var rng = RandomSource(seed: seed)
        return Tensor(shape: [1, c, 1, t], data: (0..<(c * t)).map { _ in rng.uniform(-2, 2) })
    }

    /// One frame, one label: the loss is −log of that label's softmax probability.
    func testSingleFrameIsCrossEntropy() {
        let x = Tensor(shape: [1, 3, 1, 1], data: [0.5, -1, 2])
        let (loss, _, counted) = CTC.lossAndGradient(x, targets: [[1]])
        let p = exp(-1.0) / (exp(0.5) + exp(-1.0) + exp(2.0))
        XCTAssertEqual(counted, 1)
        XCTAssertEqual(loss, -log(p), accuracy: 1e-9)
    }

    /// Two frames, target [0] with classes {0, blank}: the paths 0-0, 0-b and b-0 all read it.
    func testLossSumsEveryPath() {
        let x = Tensor(shape: [1, 2, 1, 2], data: [0.3, -0.4, 1.1, 0.2])  // [class][frame]
        func p(_ k: Int, _ f: Int) -> Double {
            let a = Double(x.data[f]), b = Double(x.data[2 + f])
            return exp(Double(x.data[k * 2 + f])) / (exp(a) + exp(b))
        }
        let expected = p(0, 0) * p(0, 1) + p(0, 0) * p(1, 1) + p(1, 0) * p(0, 1)
        XCTAssertEqual(CTC.lossAndGradient(x, targets: [[0]]).loss, -log(expected), accuracy: 1e-9)
        // The empty reading: blank on every frame.
        XCTAssertEqual(CTC.lossAndGradient(x, targets: [[]]).loss, -log(p(1, 0) * p(1, 1)), accuracy: 1e-9)
    }

    /// The gradient matches finite differences, repeats in the target included.
    func testGradientMatchesFiniteDifferences() {
        let x = logits(classes: 4, frames: 7, seed: 3), target = [1, 1, 2]
        let (_, grad, _) = CTC.lossAndGradient(x, targets: [target])
        for i in x.data.indices {
            var plus = x, minus = x
            plus.data[i] += 1e-3; minus.data[i] -= 1e-3
            let numeric = (CTC.lossAndGradient(plus, targets: [target]).loss - CTC.lossAndGradient(minus, targets: [target]).loss) / 2e-3
            XCTAssertEqual(Double(grad.data[i]), numeric, accuracy: 2e-3, "logit \(i)")
        }
    }

    /// A target longer than any path of the frames allows is left out, not counted as infinite.
    func testImpossibleTargetIsCountedOut() {
        let x = logits(classes: 3, frames: 2, seed: 1)
        let (loss, grad, counted) = CTC.lossAndGradient(x, targets: [[0, 0]])  // needs 0, blank, 0
        XCTAssertEqual(counted, 0)
        XCTAssertEqual(loss, 0)
        XCTAssertEqual(grad.data.reduce(0) { $0 + abs($1) }, 0)
    }

    /// Every labelling of a few frames with its probability, summed over the paths that read it.
    func labellings(_ p: [Float], classes c: Int, frames t: Int) -> [[Int]: Double] {
        var out = [[Int]: Double]()
        var path = [Int](repeating: 0, count: t)
        func walk(_ f: Int, _ prob: Double) {
            guard f < t else {
                var labels = [Int](), previous = c - 1
                for k in path { if k != c - 1 && k != previous { labels.append(k) }; previous = k }
                out[labels, default: 0] += prob
                return
            }
            for k in 0..<c { path[f] = k; walk(f + 1, prob * Double(p[k * t + f])) }
        }
        walk(0, 1)
        return out
    }

    /// The beam search reads the labelling the most paths' probability adds up to, as counting every path
    /// finds it, where the single best path often reads another: two labels the same, the blank between
    /// them never a frame's likeliest class.
    func testBestReadingIsTheLikeliestLabelling() {
        var rng = RandomSource(seed: 5)
        var differs = 0
        for trial in 0..<60 {
            let c = 3, t = 6
            var p = [Float](repeating: 0, count: c * t)
            for f in 0..<t {
                let raw = (0..<c).map { _ in Float(rng.uniform(0.05, 1)) }
                let sum = raw.reduce(0, +)
                for k in 0..<c { p[k * t + f] = raw[k] / sum }
            }
            let all = labellings(p, classes: c, frames: t)
            guard let truth = all.max(by: { $0.value < $1.value }) else { continue }
            // Unless two labellings all but tie.
            guard all.values.filter({ $0 > truth.value * 0.999 }).count == 1 else { continue }
            let read = CTC.bestReading(p[...], classes: c, frames: t, beam: 16)
            XCTAssertEqual(read.map(\.label), truth.key, "trial \(trial)")
            if CTC.greedy(p[...], classes: c, frames: t).map(\.label) != truth.key { differs += 1 }
        }
        XCTAssertGreaterThan(differs, 0, "some trials where the best path reads another labelling")

        // 1 on every frame by its likeliest class, but the blank close behind on the middle three: the paths
        // with a blank among them (11, 0.71 in all) outweigh the one without (1, 0.20).
        let t = 5
        var p = [Float](repeating: 0, count: 2 * t)
        for (f, one) in [Float(0.99), 0.6, 0.55, 0.6, 0.99].enumerated() { p[f] = one; p[t + f] = 1 - one }
        XCTAssertEqual(CTC.greedy(p[...], classes: 2, frames: t).map(\.label), [0])
        let read = CTC.bestReading(p[...], classes: 2, frames: t)
        XCTAssertEqual(read.map(\.label), [0, 0])
        // Each label on the frames of the likeliest path that reads 11: 1 1 blank 1 1.
        XCTAssertEqual(read.map(\.frames), [0..<2, 3..<5])
        XCTAssertEqual(read.map(\.probability), [0.99, 0.99])
    }

    /// Where the frames are clear, the beam search reads what the best path reads, with the same frames.
    func testBestReadingOfClearFramesIsTheBestPath() {
        let winners = [1, 1, 2, 1, 0, 0, 2]
        var p = [Float](repeating: 0.05, count: 3 * 7)
        for (f, k) in winners.enumerated() { p[k * 7 + f] = 0.9 }
        XCTAssertEqual(CTC.bestReading(p[...], classes: 3, frames: 7), CTC.greedy(p[...], classes: 3, frames: 7))
        XCTAssertEqual(CTC.bestReading([Float](repeating: 0.5, count: 0)[...], classes: 3, frames: 0), [])
    }

    /// Best path: repeats merge unless a blank parts them; blanks drop; each label keeps its frames.
    func testGreedyMergesRepeatsAndDropsBlanks() {
        // classes 0, 1, blank; frames: 1 1 b 1 0 0 b
        let winners = [1, 1, 2, 1, 0, 0, 2]
        var p = [Float](repeating: 0.05, count: 3 * 7)
        for (f, k) in winners.enumerated() { p[k * 7 + f] = 0.9 }
        p[1 * 7 + 1] = 0.95
        let read = CTC.greedy(p[...], classes: 3, frames: 7)
        XCTAssertEqual(read.map(\.label), [1, 1, 0])
        XCTAssertEqual(read.map(\.frames), [0..<2, 3..<4, 4..<6])
        XCTAssertEqual(read[0].probability, 0.95)
    }
}
