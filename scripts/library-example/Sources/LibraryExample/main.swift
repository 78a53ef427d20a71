import DigitNet

// Builds a network, runs one training step and exports it: the library without the tool.
var network = Architecture.lenet.build(seed: 1)
var rng = RandomSource(seed: 2)
let pixels = Tensor(shape: [4, 1, 28, 28], data: (0..<(4 * 784)).map { _ in rng.uniform() })
let before = network.probabilities(pixels)
let classifier = Classifier(members: [network])
print("lenet: \(network.parameterCount) parameters, \(network.multiplyAdds) multiply-adds per image")
print("probabilities of 4 images: \(before.shape), first row sums to \(before.row(0).reduce(0, +))")
print("ONNX export: \(classifier.onnx().count) bytes")
