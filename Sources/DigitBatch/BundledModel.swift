import DigitNet
import DigitVision
import Foundation

/// The file at `path`, else the resource `bundled` shipped with the tool; `missing` says what to do without it.
func modelURL(_ path: String?, bundled: String, missing: String) throws -> URL {
    if let path { return URL(fileURLWithPath: path) }
    guard let url = Bundle.module.url(forResource: bundled, withExtension: "safetensors") else { throw BatchError.model(missing) }
    return url
}

/// The model at `path`, else the pretrained default shipped with the tool; and the file it came from.
public func loadClassifier(_ path: String?) throws -> (Classifier, String) {
    let url = try modelURL(path, bundled: "default", missing: "the bundled model is missing from this build; pass --model FILE")
    return (try Classifier(contentsOf: url), url.path)
}

/// The line reader for numbers whose digits touch: the one at `path`, else the one shipped with the tool;
/// nil for `none` (marks are then cut into digits by the classifier alone).
public func loadLineReader(_ path: String?) throws -> LineReader? {
    if path == "none" { return nil }
    let url = try modelURL(path, bundled: "reader",
                           missing: "the bundled line reader is missing from this build; pass --reader FILE or --reader none")
    return try LineReader(Classifier(contentsOf: url), name: url.path)
}

extension LineReader {
    /// Reads strips of marks on `threads` threads: one for each of several scan workers, all of them for a
    /// page scanned alone.
    public func lineRead(threads: Int = 1) -> TouchingDigits.LineRead {
        { [self] strips in read(strips.map { ($0.width, $0.pixels) }, threads: threads) }
    }
}
