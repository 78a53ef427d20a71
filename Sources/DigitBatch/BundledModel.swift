import DigitNet
import DigitVision
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

/// The line reader for numbers whose digits touch: the one at `path`, else the one shipped with the tool;
/// nil for `none` (marks are then cut into digits by the classifier alone).
public func loadLineReader(_ path: String?) throws -> LineReader? {
    if path == "none" { return nil }
    let url: URL
    if let path {
        url = URL(fileURLWithPath: path)
    } else if let bundled = Bundle.module.url(forResource: "reader", withExtension: "safetensors") {
        url = bundled
    } else {
        throw BatchError.model("the bundled line reader is missing from this build; pass --reader FILE or --reader none")
    }
    return try LineReader(Classifier(contentsOf: url), name: url.path)
}

extension LineReader {
    /// Reads strips of marks on one thread, for the scan workers.
    public var lineRead: TouchingDigits.LineRead {
        { [self] strips in read(strips.map { ($0.width, $0.pixels) }) }
    }
}
