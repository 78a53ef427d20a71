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

    public mutating func update(from net: inout Network) {
        var i = 0
        let d = decay
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
}
