/// The one pass that decides how a network's layer list runs, applied by `Network.init`. The list itself is
/// never changed in length or order: names, summaries, saved weights and ONNX export see the layers as
/// written. What the pass sets, each a flag on the layer it concerns:
///
/// - The first weighted layer skips its input gradient (`needsInputGradient = false`): nothing before it
///   learns, and the layers before it only reshape, so the backward pass ends there.
/// - BatchNorm → ReLU: the normalisation applies max(0, ·) as it writes its output and takes the ReLU's
///   gradient in its backward pass (`BatchNorm.appliesReLU`); the ReLU passes values through.
/// - ReLU → Dropout (rate > 0): the dropout mask also drops the values the ReLU would clip
///   (`Dropout.appliesReLU`); the ReLU passes values through.
///
/// Each fusion removes one pass over the activations each way; results are those of the unfused layers
/// (the gradient checks and `testDropoutAppliesTheReLUBeforeIt` hold them to it).
public enum Fusion {
    /// The layers with their fusion flags set, and the index of the first layer whose backward pass runs.
    public static func plan(_ layers: [any Layer]) -> (layers: [any Layer], backwardStop: Int) {
        var layers = layers, backwardStop = 0
        if let first = layers.firstIndex(where: { !($0 is Flatten) }) {
            if var conv = layers[first] as? Conv2D {
                conv.needsInputGradient = false; layers[first] = conv; backwardStop = first
            }
            if var dense = layers[first] as? Dense {
                dense.needsInputGradient = false; layers[first] = dense; backwardStop = first
            }
        }
        for i in layers.indices.dropLast() {
            guard var norm = layers[i] as? BatchNorm, var relu = layers[i + 1] as? ReLU else { continue }
            norm.appliesReLU = true; relu.passesThrough = true
            layers[i] = norm; layers[i + 1] = relu
        }
        for i in layers.indices.dropLast() {
            guard var relu = layers[i] as? ReLU, !relu.passesThrough, var dropout = layers[i + 1] as? Dropout,
                  dropout.rate > 0 else { continue }
            dropout.appliesReLU = true; relu.passesThrough = true
            layers[i] = relu; layers[i + 1] = dropout
        }
        return (layers, backwardStop)
    }
}
