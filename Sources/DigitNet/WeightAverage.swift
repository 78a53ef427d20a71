/// An exponential moving average of a network's weights, evaluated instead of the raw weights: it smooths
/// the last steps' noise. Buffers (BatchNorm running statistics) are copied, not averaged.
public struct WeightAverage: Sendable {
    public let decay: Float
    public var values: [Tensor]

    /// Starts the average at the network's current weights.
    public init(decay: Float, of net: Network) {
        self.decay = decay
        values = net.namedTensors.map(\.1)
    }

    /// Folds in the weights after optimiser step `step` (1-based). Early on the average forgets faster
    /// (decay (1+step)/(10+step), as TensorFlow's moving average does), so it never mixes in the random start.
    public mutating func update(from net: inout Network, step: Int) {
        var i = 0
        let d = min(decay, Float(1 + step) / Float(10 + step))
        net.visitParameters { _, p in
            if p.trainable {
                values[i].data.withUnsafeMutableBufferPointer { a in
                    p.value.data.withUnsafeBufferPointer { w in
                        for j in a.indices { a[j] = d * a[j] + (1 - d) * w[j] }
                    }
                }
            } else {
                values[i] = p.value
            }
            i += 1
        }
    }

    /// The network with the averaged weights.
    public func applied(to net: Network) -> Network {
        var copy = net, i = 0
        copy.visitParameters { _, p in p.value = values[i]; i += 1 }
        return copy
    }

    /// The average as checkpoint tensors, "ema.K".
    public var checkpointTensors: [(String, Tensor)] { values.enumerated().map { ("ema.\($0.offset)", $0.element) } }

    /// Takes the average back from a checkpoint; `name` is used in errors.
    public mutating func restore(from file: Safetensors, name: String) throws {
        for k in values.indices {
            guard let t = file.tensors["ema.\(k)"], t.shape == values[k].shape else {
                throw SafetensorsError.missingTensor(name, "ema.\(k)")
            }
            values[k] = t
        }
    }
}
