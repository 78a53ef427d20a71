/// How raw pixels in [0, 1] are mapped before the first layer: (x − mean) / std.
public struct InputNormalization: Sendable, Equatable {
    public var mean: Float
    public var std: Float
    public init(mean: Float, std: Float) { self.mean = mean; self.std = std }
}

/// A sequential network: a list of layers run in order, with the input normalisation it was trained with.
public struct Network: Sendable {
    public var architecture: String
    public var normalization: InputNormalization
    public var layers: [any Layer]
    /// The first layer whose backward pass runs: the layers before it only reshape, and it skips its input gradient.
    private var backwardStop = 0

    /// A network of `layers` in order; `Fusion.plan` sets which of them run fused.
    public init(architecture: String, normalization: InputNormalization, layers: [any Layer]) {
        self.architecture = architecture
        self.normalization = normalization
        (self.layers, backwardStop) = Fusion.plan(layers)
    }

    /// pixels: [N, 1, 28, 28] in [0, 1] -> logits [N, classes]
    public mutating func forward(_ pixels: Tensor, _ ctx: PassContext) -> Tensor {
        var h = pixels
        let scale = 1 / normalization.std, shift = -normalization.mean / normalization.std
        if scale != 1 || shift != 0 {
            // Written from the pixels in one pass: the caller's tensor is not copied first.
            h = pixels.data.withUnsafeBufferPointer { p in
                Tensor(shape: pixels.shape) { Vector.affine(p.baseAddress!, scale, shift, relu: false, into: $0.baseAddress!, $0.count) }
            }
        }
        for i in layers.indices {
            var c = ctx
            c.seed = ctx.seed &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
            h = layers[i].forward(h, c)
        }
        return h
    }

    /// dLogits: [N, classes]; accumulates every parameter's gradient.
    public mutating func backward(_ dLogits: Tensor, _ ctx: PassContext) {
        var g = dLogits
        for i in layers.indices.reversed() where i >= backwardStop { g = layers[i].backward(g, ctx) }
    }

    /// Visits every parameter and buffer as "layers.INDEX.NAME", in a fixed order.
    public mutating func visitParameters(_ body: (String, inout Parameter) -> Void) {
        for i in layers.indices {
            layers[i].visitParameters { name, p in body("layers.\(i).\(name)", &p) }
        }
    }

    /// Every parameter and buffer by name.
    public var namedTensors: [(String, Tensor)] {
        var copy = self, out = [(String, Tensor)]()
        copy.visitParameters { name, p in out.append((name, p.value)) }
        return out
    }

    /// Number of trainable values.
    public var parameterCount: Int {
        var copy = self, n = 0
        copy.visitParameters { _, p in if p.trainable { n += p.value.count } }
        return n
    }

    /// Multiply-adds per 28x28 image in a forward pass (each layer's `cost`).
    public var multiplyAdds: Int {
        var shape = [1, 28, 28], total = 0
        for layer in layers {
            let (macs, out) = layer.cost(shape)
            total += macs
            shape = out
        }
        return total
    }

    /// Outputs per item: 10 for the digits, 11 when the last is "not a digit".
    public var classes: Int {
        var shape = [1, 28, 28]
        for layer in layers { shape = layer.cost(shape).output }
        return shape.reduce(1, *)
    }

    /// The same network with `classes` outputs: the last Dense layer keeps its rows and gains new ones that
    /// start at zero (their class starts improbable through its bias), so fine-tuning can teach a new class
    /// without unlearning the others. Nil when the network does not end in a Dense layer.
    public func widened(to classes: Int) -> Network? {
        guard let last = layers.indices.last, let dense = layers[last] as? Dense, classes > dense.outputs else { return nil }
        var rng = RandomSource(seed: 0)
        var wide = Dense(dense.inputs, classes, bias: dense.bias != nil, rng: &rng)
        let old = dense.outputs, inputs = dense.inputs
        wide.weight.value.data = dense.weight.value.data + [Float](repeating: 0, count: (classes - old) * inputs)
        if let b = dense.bias {
            wide.bias?.value.data = b.value.data + [Float](repeating: -4, count: classes - old)
        }
        var layers = self.layers
        layers[last] = wide
        return Network(architecture: architecture, normalization: normalization, layers: layers)
    }

    /// Class probabilities for pixels [N, 1, 28, 28] in [0, 1], in inference mode, `batchSize` at a time.
    public func probabilities(_ pixels: Tensor, batchSize: Int = 256, threads: Int = 1) -> Tensor {
        var copy = self
        let n = pixels.batch, item = pixels.itemSize
        var out = [Float]()
        out.reserveCapacity(n * 10)
        var classes = 10
        var start = 0
        while start < n {
            let end = min(n, start + batchSize)
            let x = Tensor(shape: [end - start] + pixels.shape.dropFirst(),
                           data: Array(pixels.data[(start * item)..<(end * item)]))
            let p = SoftmaxCrossEntropy.probabilities(copy.forward(x, PassContext(training: false, threads: threads)))
            classes = p.shape[1]
            out.append(contentsOf: p.data)
            start = end
        }
        return Tensor(shape: [n, classes], data: out)
    }
}
