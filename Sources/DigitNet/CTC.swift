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

    /// The likeliest reading of one item's frame probabilities ([C][T], blank last): the label sequence whose
    /// paths through the frames add up to the most probability, by a prefix beam search keeping `beam`
    /// prefixes, rather than the single likeliest path (`greedy`). Two touching 1s whose blank between them
    /// is never a frame's likeliest class are 11 here, 1 by the best path. Each label's frames are those the
    /// likeliest path reading this sequence gives it (`aligned`), its probability the highest of them.
    public static func bestReading(_ probabilities: ArraySlice<Float>, classes c: Int, frames t: Int, beam: Int = 8) -> [Label] {
        let base = probabilities.startIndex, blank = c - 1
        func p(_ k: Int, _ f: Int) -> Double { Double(probabilities[base + k * t + f]) }
        // Each prefix's probability split by how its paths end: in a blank, or in its last label.
        struct Prefix { var labels: [Int]; var endBlank: Double; var endLabel: Double; var total: Double { endBlank + endLabel } }
        var beams = [Prefix(labels: [], endBlank: 1, endLabel: 0)]
        for f in 0..<t {
            let pBlank = p(blank, f)
            // Most frames are blank beyond doubt: every prefix goes on as it is, in the same order.
            if (0..<blank).allSatisfy({ p($0, f) <= 1e-3 }) {
                let scale = beams[0].total * pBlank > 0 ? beams[0].total * pBlank : 1
                beams = beams.map { Prefix(labels: $0.labels, endBlank: $0.total * pBlank / scale, endLabel: 0) }
                continue
            }
            // In a fixed order (the beams', then the labels'), so that the sums come out the same every run.
            var next = [Prefix](), index = [[Int]: Int]()
            func add(_ labels: [Int], blank b: Double, label l: Double) {
                if let i = index[labels] { next[i].endBlank += b; next[i].endLabel += l; return }
                index[labels] = next.count
                next.append(Prefix(labels: labels, endBlank: b, endLabel: l))
            }
            for b in beams {
                add(b.labels, blank: b.total * pBlank, label: 0)
                for k in 0..<blank {
                    let pk = p(k, f)
                    guard pk > 1e-3 else { continue }  // a label this unlikely here changes no reading
                    if b.labels.last == k {
                        add(b.labels, blank: 0, label: b.endLabel * pk)        // the same label held
                        add(b.labels + [k], blank: 0, label: b.endBlank * pk)  // the label again, after a blank
                    } else {
                        add(b.labels + [k], blank: 0, label: b.total * pk)
                    }
                }
            }
            next.sort { $0.total != $1.total ? $0.total > $1.total : $0.labels.lexicographicallyPrecedes($1.labels) }
            // Scaled so that the likeliest is 1: hundreds of frames of products stay in range.
            let scale = next.first.map { $0.total > 0 ? $0.total : 1 } ?? 1
            beams = next.prefix(beam).map { Prefix(labels: $0.labels, endBlank: $0.endBlank / scale, endLabel: $0.endLabel / scale) }
        }
        guard let best = beams.first?.labels, !best.isEmpty else { return [] }
        return aligned(best, probabilities, classes: c, frames: t)
    }

    /// `labels` laid over the frames along the likeliest path that reads them (Viterbi over blank, label,
    /// blank, label, …, blank): each label with the frames of that path that are it.
    static func aligned(_ labels: [Int], _ probabilities: ArraySlice<Float>, classes c: Int, frames t: Int) -> [Label] {
        let base = probabilities.startIndex, blank = c - 1, states = 2 * labels.count + 1
        func logp(_ k: Int, _ f: Int) -> Double { log(max(Double(probabilities[base + k * t + f]), 1e-30)) }
        func symbol(_ s: Int) -> Int { s % 2 == 0 ? blank : labels[s / 2] }
        var score = [Double](repeating: -.infinity, count: states)
        var from = [UInt8](repeating: 0, count: states * t)  // how far back each frame's best step came from
        score[0] = logp(blank, 0)
        if states > 1 { score[1] = logp(labels[0], 0) }
        for f in 1..<max(1, t) {
            var next = [Double](repeating: -.infinity, count: states)
            for s in 0..<states {
                var best = score[s], step: UInt8 = 0
                if s >= 1, score[s - 1] > best { best = score[s - 1]; step = 1 }
                // A label may follow the label before it straight away unless they are the same.
                if s >= 2, s % 2 == 1, labels[s / 2] != labels[s / 2 - 1], score[s - 2] > best { best = score[s - 2]; step = 2 }
                guard best > -.infinity else { continue }
                next[s] = best + logp(symbol(s), f)
                from[f * states + s] = step
            }
            score = next
        }
        var s = states > 1 && score[states - 2] > score[states - 1] ? states - 2 : states - 1
        var frames = [Range<Int>?](repeating: nil, count: labels.count)
        var peak = [Float](repeating: 0, count: labels.count)
        for f in stride(from: t - 1, through: 0, by: -1) {
            if s % 2 == 1 {
                let i = s / 2
                frames[i] = f..<(frames[i]?.upperBound ?? (f + 1))
                peak[i] = max(peak[i], probabilities[base + labels[i] * t + f])
            }
            s -= Int(from[f * states + s])
        }
        return labels.indices.compactMap { i in frames[i].map { Label(label: labels[i], frames: $0, probability: peak[i]) } }
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
