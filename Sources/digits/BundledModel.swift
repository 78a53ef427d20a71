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
