/// Softmax over each row of logits and its cross-entropy against integer labels, computed stably
/// (max subtracted before exp, log-sum-exp for the loss).
public enum SoftmaxCrossEntropy {
    /// Mean loss over the batch, the gradient with respect to the logits, and how many rows were right.
    /// logits: [N, K]; labels: N values in 0..<K.
    public static func lossAndGradient(_ logits: Tensor, labels: [Int]) -> (loss: Float, grad: Tensor, correct: Int) {
        let n = logits.shape[0], k = logits.shape[1]
        var grad = Tensor(zeros: logits.shape)
        var total: Double = 0
        var correct = 0
        for i in 0..<n {
            let row = i * k
            var maxValue = -Float.infinity, best = 0
            for j in 0..<k where logits.data[row + j] > maxValue { maxValue = logits.data[row + j]; best = j }
            var sum: Float = 0
            for j in 0..<k {
                let e = expf(logits.data[row + j] - maxValue)
                grad.data[row + j] = e
                sum += e
            }
            total += Double(logf(sum) + maxValue - logits.data[row + labels[i]])
            for j in 0..<k { grad.data[row + j] /= sum * Float(n) }
            grad.data[row + labels[i]] -= 1 / Float(n)
            if best == labels[i] { correct += 1 }
        }
        return (Float(total / Double(n)), grad, correct)
    }

    /// Row-wise softmax probabilities. logits: [N, K] -> [N, K].
    public static func probabilities(_ logits: Tensor) -> Tensor {
        let n = logits.shape[0], k = logits.shape[1]
        var p = logits
        for i in 0..<n {
            let row = i * k
            var maxValue = -Float.infinity
            for j in 0..<k { maxValue = max(maxValue, p.data[row + j]) }
            var sum: Float = 0
            for j in 0..<k { let e = expf(p.data[row + j] - maxValue); p.data[row + j] = e; sum += e }
            for j in 0..<k { p.data[row + j] /= sum }
        }
        return p
    }
}

#if canImport(Glibc)
import Glibc
#endif
