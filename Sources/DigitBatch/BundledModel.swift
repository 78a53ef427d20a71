import DigitNet
import Foundation

/// The model at `path`, else the pretrained default shipped with the tool; and the file it came from.
public func loadClassifier(_ path: String?) throws -> (Classifier, String) {
    let url: URL
    if let path {
        url = URL(fileURLWithPath: path)
    } else if let bundled = Bundle.module.url(forResource: "default", withExtension: "safetensors") {
        url = bundled
    } else {
        throw BatchError.model("the bundled model is missing from this build; pass --model FILE")
    }
    return (try Classifier(contentsOf: url), url.path)
}
