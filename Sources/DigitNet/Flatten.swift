/// [N, C, H, W] -> [N, C·H·W]. With `channelsLast` the values are first put in NHWC order, as ModelM3's
/// reference implementation (and TensorFlow-trained weights) expect.
public struct Flatten: Layer {
    public let channelsLast: Bool
    private var inputShape = [Int]()

    public init(channelsLast: Bool = false) { self.channelsLast = channelsLast }

    public var summary: String { channelsLast ? "Flatten (NHWC order)" : "Flatten" }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (0, [shape.reduce(1, *)]) }

    public func exportONNX(into g: inout ONNXGraph, input: String, prefix: String) -> String {
        let x = channelsLast ? g.node("Transpose", [input], [("perm", .ints([0, 2, 3, 1]))]) : input
        return g.node("Flatten", [x], [("axis", .int(1))])
    }

    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        inputShape = x.shape
        let n = x.shape[0], size = x.itemSize
        guard channelsLast, x.shape.count == 4 else { return x.reshaped([n, size]) }
        let c = x.shape[1], s = x.shape[2] * x.shape[3]
        var y = Tensor(zeros: [n, size])
        for i in 0..<n {
            for ch in 0..<c {
                for j in 0..<s { y.data[i * size + j * c + ch] = x.data[i * size + ch * s + j] }
            }
        }
        return y
    }

    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        guard channelsLast, inputShape.count == 4 else { return dy.reshaped(inputShape) }
        let n = inputShape[0], c = inputShape[1], s = inputShape[2] * inputShape[3], size = c * s
        var dx = Tensor(zeros: inputShape)
        for i in 0..<n {
            for ch in 0..<c {
                for j in 0..<s { dx.data[i * size + ch * s + j] = dy.data[i * size + j * c + ch] }
            }
        }
        return dx
    }
}
