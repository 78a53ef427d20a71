/// A learnable array with its gradient. Buffers (BatchNorm running statistics) are parameters that the
/// optimiser leaves alone (`trainable == false`) but that are saved with the weights.
public struct Parameter: Sendable {
    public var value: Tensor
    public var grad: Tensor
    public var trainable: Bool

    public init(_ value: Tensor, trainable: Bool = true) {
        self.value = value
        self.grad = Tensor(zeros: trainable ? value.shape : [0])
        self.trainable = trainable
    }
}

/// What a forward pass needs to know beyond its input.
public struct PassContext: Sendable {
    /// Training mode: dropout is active, BatchNorm uses batch statistics and caches what backward needs.
    public var training: Bool
    /// Threads to split the work over.
    public var threads: Int
    /// Seed for this step's randomness (dropout masks).
    public var seed: UInt64

    public init(training: Bool, threads: Int = 1, seed: UInt64 = 0) {
        self.training = training
        self.threads = max(1, threads)
        self.seed = seed
    }
}

/// One stage of a sequential network. `forward` keeps what `backward` needs; `backward` takes the gradient
/// of the loss with respect to the output, accumulates parameter gradients and returns the input gradient.
public protocol Layer: Sendable {
    mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor
    mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor
    /// Visits each parameter with a stable name ("weight", "bias", "running_mean", ...).
    mutating func visitParameters(_ body: (String, inout Parameter) -> Void)
    /// Multiply-adds of the layer's products (convolutions, matrix products) per item for an input of `shape`
    /// (without the batch axis), and the output shape. Elementwise work counts as none.
    func cost(_ shape: [Int]) -> (macs: Int, output: [Int])
    /// Appends the layer's inference form to an ONNX graph, reading `input`; returns the output's name.
    /// `prefix` names its weights ("layers.3." or "member1.layers.3.").
    func exportONNX(into graph: inout ONNXGraph, input: String, prefix: String) -> String
    /// Short description for summaries, e.g. "Conv2D 1→32 5x5 pad 2".
    var summary: String { get }
}

extension Layer {
    public mutating func visitParameters(_ body: (String, inout Parameter) -> Void) {}
}
