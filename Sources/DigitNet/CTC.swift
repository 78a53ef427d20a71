import Foundation

/// Connectionist temporal classification (Graves et al. 2006): the loss of a sequence of labels read from a
/// sequence of frames without knowing which frame holds which label. Each frame gives probabilities over the
/// labels and one extra class, "blank" (the last); a reading is a frame path with repeats merged and blanks
/// dropped, and the loss is −log of the summed probability of every path that reads the target. Computed in
/// log space by the forward (α) and backward (β) recursions over the target with blanks between its labels.
public enum CTC {
    /// One label of a reading: which, the frames it was read on, and its highest frame probability.
    public struct Label: Sendable, Equatable {
        public var label: Int
        public var frames: Range<Int>
        public var probability: Float
    }

    /// Mean loss over the batch and its gradient with respect to the logits.
    /// logits: [N, C, 1, T] (C − 1 labels, blank last); targets: N label sequences, each label in 0..<(C − 1).
    /// A target that no path of T frames can read (too long for its repeats) adds nothing and is counted out.
    public static func lossAndGradient(_ logits: Tensor, targets: [[Int]]) -> (loss: Double, grad: Tensor, counted: Int) {
        let n = logits.shape[0], c = logits.shape[1], t = logits.shape[3]
        precondition(targets.count == n && logits.shape[2] == 1)
        var grad = Tensor(zeros: logits.shape)
        var total = 0.0, counted = 0
        for i in 0..<n {
            let base = i * c * t
            let logp = logSoftmax(logits.data, base: base, classes: c, frames: t)
            guard let (nll, posterior) = forwardBackward(logp, classes: c, frames: t, target: targets[i]) else { continue }
            total += nll
            counted += 1
            // d(−log p)/d logit[k, f] = softmax[k, f] − posterior[k, f]
            for k in 0..<c {
                for f in 0..<t {
                    grad.data[base + k * t + f] = Float(exp(logp[f * c + k]) - posterior[f * c + k])
                }
            }
        }
        let scale = 1 / Float(max(counted, 1))
        for k in grad.data.indices { grad.data[k] *= scale }
        return (total / Double(max(counted, 1)), grad, counted)
    }

    /// Log-probabilities per frame, frame-major: [T][C].
    static func logSoftmax(_ x: [Float], base: Int, classes c: Int, frames t: Int) -> [Double] {
        var out = [Double](repeating: 0, count: t * c)
        for f in 0..<t {
            var m = -Double.infinity
            for k in 0..<c { m = max(m, Double(x[base + k * t + f])) }
            var s = 0.0
            for k in 0..<c { s += exp(Double(x[base + k * t + f]) - m) }
            let z = m + log(s)
            for k in 0..<c { out[f * c + k] = Double(x[base + k * t + f]) - z }
        }
        return out
    }

    static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return max(a, b) + log1p(exp(-abs(a - b)))
    }

    /// −log p(target | frames) and, per frame and class, the posterior probability of the paths that read the
    /// target passing through that class there; nil when no path can.
    static func forwardBackward(_ logp: [Double], classes c: Int, frames t: Int, target: [Int]) -> (Double, [Double])? {
        let blank = c - 1
        // The target with a blank before, between and after its labels.
        var ext = [blank]
        for l in target { ext += [l, blank] }
        let s = ext.count
        // α[f][j]: log-probability of the paths through frame f ending at ext[j]; β the same from the end.
        var alpha = [Double](repeating: -.infinity, count: t * s), beta = alpha
        alpha[0] = logp[blank]
        if s > 1 { alpha[1] = logp[ext[1]] }
        for f in 1..<max(t, 1) {
            for j in 0..<s {
                var a = alpha[(f - 1) * s + j]
                if j >= 1 { a = logAdd(a, alpha[(f - 1) * s + j - 1]) }
                if j >= 2 && ext[j] != blank && ext[j] != ext[j - 2] { a = logAdd(a, alpha[(f - 1) * s + j - 2]) }
                alpha[f * s + j] = a == -.infinity ? a : a + logp[f * c + ext[j]]
            }
        }
        let last = (t - 1) * s
        beta[last + s - 1] = logp[(t - 1) * c + blank]
        if s > 1 { beta[last + s - 2] = logp[(t - 1) * c + ext[s - 2]] }
        for f in stride(from: t - 2, through: 0, by: -1) {
            for j in 0..<s {
                var b = beta[(f + 1) * s + j]
                if j + 1 < s { b = logAdd(b, beta[(f + 1) * s + j + 1]) }
                if j + 2 < s && ext[j] != blank && ext[j] != ext[j + 2] { b = logAdd(b, beta[(f + 1) * s + j + 2]) }
                beta[f * s + j] = b == -.infinity ? b : b + logp[f * c + ext[j]]
            }
        }
        let logP = s > 1 ? logAdd(alpha[last + s - 1], alpha[last + s - 2]) : alpha[last]
        guard logP > -.infinity, logP.isFinite else { return nil }
        var posterior = [Double](repeating: 0, count: t * c)
        for f in 0..<t {
            for j in 0..<s where alpha[f * s + j] > -.infinity && beta[f * s + j] > -.infinity {
                // α and β both hold frame f's own probability: count it once.
                posterior[f * c + ext[j]] += exp(alpha[f * s + j] + beta[f * s + j] - logp[f * c + ext[j]] - logP)
            }
        }
        return (-logP, posterior)
    }

    /// The best-path reading of one item's frame probabilities ([C][T] as the network lays them out, blank
    /// last): the likeliest class per frame, repeats merged, blanks dropped.
    public static func greedy(_ probabilities: ArraySlice<Float>, classes c: Int, frames t: Int) -> [Label] {
        let base = probabilities.startIndex
        var out = [Label](), previous = c - 1
        for f in 0..<t {
            var best = 0, p = -Float.infinity
            for k in 0..<c where probabilities[base + k * t + f] > p { p = probabilities[base + k * t + f]; best = k }
            if best != c - 1 {
                if best == previous, var l = out.last {
                    l.frames = l.frames.lowerBound..<(f + 1)
                    l.probability = max(l.probability, p)
                    out[out.count - 1] = l
                } else {
                    out.append(Label(label: best, frames: f..<(f + 1), probability: p))
                }
            }
            previous = best
        }
        return out
    }

    /// Softmax over the classes of every frame: logits [N, C, 1, T] → probabilities of the same shape.
    public static func probabilities(_ logits: Tensor) -> Tensor {
        let n = logits.shape[0], c = logits.shape[1], t = logits.shape[3]
        var p = logits
        for i in 0..<n {
            for f in 0..<t {
                let base = i * c * t + f
                var m = -Float.infinity
                for k in 0..<c { m = max(m, p.data[base + k * t]) }
                var s: Float = 0
                for k in 0..<c { let e = expf(p.data[base + k * t] - m); p.data[base + k * t] = e; s += e }
                for k in 0..<c { p.data[base + k * t] /= s }
            }
        }
        return p
    }
}
