import DigitNet
import DigitVision

/// The training set of a model that reads pages: MNIST's digits, digits cut from synthetic touching strings
/// at their true boundaries (they carry bits of their neighbours, as real cuts do), marks that are not digits
/// (class 10) and digits run together (class 11). Made by the project's own code from MNIST's training images only.
public enum TrainingMarks {
    /// `notDigits` samples of classes 10 and 11 and `cutDigits` samples of digits cut from strings, drawn from `digits`.
    public static func make(from digits: LabeledImages, notDigits: Int, cutDigits: Int, seed: UInt64) -> LabeledImages {
        var pixels = [UInt8](), labels = [UInt8]()
        pixels.reserveCapacity((notDigits + cutDigits) * 784)
        var marks = NotDigits(digits: digits, seed: seed)
        for _ in 0..<notDigits {
            let (sample, label) = marks.next()
            pixels += sample
            labels.append(label)
        }
        var rng = RandomSource(seed: seed, 7)
        while labels.count < notDigits + cutDigits {
            let n = 2 + Int(rng.next() % 4)
            let indices = (0..<n).map { _ in Int(rng.next() % UInt64(digits.count)) }
            let s = DigitString.make(indices, of: digits, touching: rng.uniform() < 0.7, rng: &rng)
            guard s.spans.count == n else { continue }
            let k = Int(rng.next() % UInt64(n))
            // The cut between two digits: halfway across their overlap, or across the gap, give or take a little.
            let left = k == 0 ? 0 : (s.spans[k - 1].upperBound + s.spans[k].lowerBound) / 2 + Int(rng.uniform(-2, 2))
            let right = k == n - 1 ? s.picture.width : (s.spans[k].upperBound + s.spans[k + 1].lowerBound) / 2 + Int(rng.uniform(-2, 2))
            guard right > left, let sample = try? Normalizer.sample(ofMark: s.picture, columns: left..<right) else { continue }
            pixels += sample.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
            labels.append(digits.labels[indices[k]])
        }
        return LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: labels)
    }
}

extension TrainingMarks {
    /// MNIST's training images with synthetic marks added to both parts: `notDigits` marks of classes 10 and 11 and
    /// half as many digits cut from strings, a tenth of each held out with the last `validationCount` MNIST
    /// images. Returns the data in the order `Trainer` splits it (validation last) and the new validation count.
    public static func extend(_ mnist: LabeledImages, validationCount: Int, notDigits: Int, seed: UInt64) -> (LabeledImages, Int) {
        let held = min(validationCount, mnist.count / 2)
        let trainDigits = mnist.slice(0..<(mnist.count - held)), validationDigits = mnist.slice((mnist.count - held)..<mnist.count)
        let heldMarks = held == 0 ? 0 : notDigits / 10
        let trainMarks = make(from: trainDigits, notDigits: notDigits - heldMarks, cutDigits: (notDigits - heldMarks) / 2, seed: seed)
        let validationMarks = make(from: trainDigits, notDigits: heldMarks, cutDigits: heldMarks / 2, seed: seed &+ 1)
        let parts = [trainDigits, trainMarks, validationDigits, validationMarks]
        let data = LabeledImages(rows: 28, columns: 28, pixels: parts.flatMap(\.pixels), labels: parts.flatMap(\.labels))
        return (data, held + validationMarks.count)
    }
}
