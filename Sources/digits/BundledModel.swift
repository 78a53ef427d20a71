import DigitNet
import Foundation

/// The model `--model` names, else the pretrained default shipped with the tool.
func loadClassifier(_ path: String?) throws -> (Classifier, String) {
    let url: URL
    if let path {
        url = URL(fileURLWithPath: path)
    } else if let bundled = Bundle.module.url(forResource: "default", withExtension: "safetensors") {
        url = bundled
    } else {
        throw ValidationErrorMessage("the bundled model is missing from this build; pass --model FILE")
    }
    return (try Classifier(contentsOf: url), url.path)
}

/// An error whose text is shown as it is.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

/// The mean top-class probability over samples: how legible the classifier finds them.
func meanConfidence(_ classifier: Classifier, _ samples: [[Float]]) -> Double {
    guard !samples.isEmpty else { return 0 }
    let p = classifier.probabilities(Tensor(shape: [samples.count, 1, 28, 28], data: samples.flatMap { $0 }))
    var sum = 0.0
    for i in 0..<samples.count { sum += Double(p.data[(i * 10)..<(i * 10 + 10)].max()!) }
    return sum / Double(samples.count)
}
