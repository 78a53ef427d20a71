/// Which update rule, with its settings.
public enum OptimizerKind: Sendable, Equatable {
    /// SGD with momentum (PyTorch's formulation), optionally Nesterov, with L2 weight decay.
    case sgd(momentum: Float, nesterov: Bool, weightDecay: Float)
    /// Adam (β1 0.9, β2 0.999, ε 1e-8) with L2 weight decay.
    case adam(weightDecay: Float)

    /// The same optimiser with another weight decay.
    public func withWeightDecay(_ decay: Float) -> OptimizerKind {
        switch self {
        case let .sgd(momentum, nesterov, _): return .sgd(momentum: momentum, nesterov: nesterov, weightDecay: decay)
        case .adam: return .adam(weightDecay: decay)
        }
    }
}

/// Updates a network's trainable parameters from their gradients, then clears the gradients.
/// State (momentum, Adam moments) is kept per trainable parameter, in the network's visiting order.
public struct Optimizer: Sendable {
    public let kind: OptimizerKind
    /// Steps taken (Adam's bias correction needs it).
    public var step = 0
    /// First state slot per parameter: SGD momentum buffer or Adam's first moment.
    public var first = [[Float]]()
    /// Second state slot per parameter: Adam's second moment (empty for SGD).
    public var second = [[Float]]()

    public init(_ kind: OptimizerKind) { self.kind = kind }

    /// One step on every trainable parameter. Large parameters are split over `threads`; each value's update
    /// depends only on itself, so the result is the same at any thread count.
    public mutating func update(_ net: inout Network, rate: Float, threads: Int = 1) {
        step += 1
        var index = 0
        let kind = self.kind, t = Float(step)
        net.visitParameters { _, p in
            guard p.trainable else { return }
            if first.count <= index {
                first.append([Float](repeating: 0, count: p.value.count))
                if case .adam = kind { second.append([Float](repeating: 0, count: p.value.count)) }
            }
            let n = p.value.count, parts = n < 1 << 15 ? 1 : threads
            p.value.data.withUnsafeMutableBufferPointer { wb in
                p.grad.data.withUnsafeMutableBufferPointer { gb in
                    first[index].withUnsafeMutableBufferPointer { mb in
                        let w = SharedPointer(wb.baseAddress!), g = SharedPointer(gb.baseAddress!)
                        let m = SharedPointer(mb.baseAddress!)
                        func run(_ v: SharedPointer?) {
                            parallel(parts) { part in
                                Optimizer.apply(kind, rate: rate, step: t, range: slice(n, part: part, of: parts),
                                                w: w.p, g: g.p, m: m.p, v: v?.p)
                            }
                        }
                        // SGD keeps no second moment.
                        if index < second.count {
                            second[index].withUnsafeMutableBufferPointer { run(SharedPointer($0.baseAddress!)) }
                        } else {
                            run(nil)
                        }
                    }
                }
            }
            index += 1
        }
    }

    /// The update rule on values `range` of one parameter; the gradient is cleared as it is read.
    private static func apply(_ kind: OptimizerKind, rate: Float, step t: Float, range: Range<Int>,
                              w: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>,
                              m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>?) {
        switch kind {
        case let .sgd(momentum, nesterov, decay):
            if nesterov {
                for i in range {
                    let gi = g[i] + decay * w[i]
                    m[i] = momentum * m[i] + gi
                    w[i] -= rate * (gi + momentum * m[i])
                    g[i] = 0
                }
            } else {
                for i in range {
                    let gi = g[i] + decay * w[i]
                    m[i] = momentum * m[i] + gi
                    w[i] -= rate * m[i]
                    g[i] = 0
                }
            }
        case let .adam(decay):
            guard let v else { preconditionFailure("Adam keeps a second moment") }
            let b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8
            let c1 = 1 - powf(b1, t), c2 = 1 - powf(b2, t)
            let stepSize = rate / c1, c2root = c2.squareRoot()
            for i in range {
                let gi = g[i] + decay * w[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                w[i] -= stepSize * m[i] / (v[i].squareRoot() / c2root + eps)
                g[i] = 0
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension Optimizer {
    /// The optimiser's state as checkpoint tensors, "optimizer.first.K" and "optimizer.second.K".
    public var checkpointTensors: [(String, Tensor)] {
        first.enumerated().map { ("optimizer.first.\($0.offset)", Tensor(shape: [$0.element.count], data: $0.element)) }
            + second.enumerated().map { ("optimizer.second.\($0.offset)", Tensor(shape: [$0.element.count], data: $0.element)) }
    }

    /// An optimiser of `kind` after `step` steps, with the state a checkpoint holds.
    public init(_ kind: OptimizerKind, step: Int, checkpoint file: Safetensors) {
        self.init(kind)
        self.step = step
        var i = 0
        while let t = file.tensors["optimizer.first.\(i)"] { first.append(t.data); i += 1 }
        i = 0
        while let t = file.tensors["optimizer.second.\(i)"] { second.append(t.data); i += 1 }
    }
}

