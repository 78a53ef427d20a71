import Foundation

/// Temperature scaling (Guo et al. 2017): one number that makes confidences honest without changing any
/// reading. Fitted on held-out data by minimising the negative log-likelihood of the true classes.
public enum Calibration {
    /// Probabilities [N, K] scaled as p ∝ p^(1/T) row by row.
    public static func scaled(_ p: Tensor, temperature t: Float) -> Tensor {
        let k = p.shape[1]
        var out = p
        for row in 0..<p.shape[0] {
            var sum: Float = 0
            for j in 0..<k {
                let v = powf(max(p.data[row * k + j], 1e-30), 1 / t)
                out.data[row * k + j] = v; sum += v
            }
            for j in 0..<k { out.data[row * k + j] /= sum }
        }
        return out
    }

    /// Mean negative log-likelihood of `labels` under `p` scaled by temperature `t`.
    public static func loss(_ p: Tensor, labels: [UInt8], temperature t: Float) -> Double {
        let q = scaled(p, temperature: t), k = p.shape[1]
        var total = 0.0
        for (i, y) in labels.enumerated() { total -= log(Double(max(q.data[i * k + Int(y)], 1e-30))) }
        return total / Double(max(1, labels.count))
    }

    /// The temperature in [0.25, 8] with the least loss (golden-section search on log T).
    public static func temperature(_ p: Tensor, labels: [UInt8]) -> Float {
        var a = log(0.25), b = log(8.0)
        let r = (sqrt(5.0) - 1) / 2
        func f(_ x: Double) -> Double { loss(p, labels: labels, temperature: Float(exp(x))) }
        var c = b - r * (b - a), d = a + r * (b - a), fc = f(c), fd = f(d)
        for _ in 0..<40 {
            if fc < fd { b = d; d = c; fd = fc; c = b - r * (b - a); fc = f(c) } else { a = c; c = d; fc = fd; d = a + r * (b - a); fd = f(d) }
        }
        return Float(exp((a + b) / 2))
    }
}
