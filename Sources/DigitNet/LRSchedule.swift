/// Learning rate as a function of training progress.
public enum LRSchedule: Sendable, Equatable {
    case constant(Float)
    /// base × gamma^⌊epoch / every⌋
    case step(base: Float, every: Int, gamma: Float)
    /// base × gamma^epoch, changed once per epoch
    case exponential(base: Float, gamma: Float)
    /// Smith's one-cycle: cosine warm-up from max/25 to max over the first 25 % of training, then cosine
    /// annealing down to max/10⁴.
    case oneCycle(maxRate: Float)

    /// The rate at `progress` = epochs completed so far (fractional within an epoch), of `totalEpochs`.
    public func rate(progress: Double, totalEpochs: Int) -> Float {
        switch self {
        case let .constant(r):
            return r
        case let .step(base, every, gamma):
            return base * powf(gamma, Float(Int(progress) / max(1, every)))
        case let .exponential(base, gamma):
            return base * powf(gamma, Float(Int(progress)))
        case let .oneCycle(maxRate):
            let f = min(1, max(0, progress / Double(max(1, totalEpochs)))), warm = 0.25
            let start = Double(maxRate) / 25, end = Double(maxRate) / 1e4
            func cosine(_ a: Double, _ b: Double, _ t: Double) -> Double { b + (a - b) * (1 + cos(Double.pi * t)) / 2 }
            return Float(f < warm ? cosine(start, Double(maxRate), f / warm)
                                  : cosine(Double(maxRate), end, (f - warm) / (1 - warm)))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
