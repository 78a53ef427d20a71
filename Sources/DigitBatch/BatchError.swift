/// What stops a batch job from starting or finishing; each message names the file and says why.
public enum BatchError: Error, CustomStringConvertible, Equatable {
    /// A labels file that cannot be read or holds a line that is not `file,label` (line numbers from 1).
    case labels(path: String, line: Int?, reason: String)
    /// An output folder that cannot be used.
    case outputFolder(path: String, reason: String)
    /// A file that cannot be written, and why.
    case cannotWrite(path: String, reason: String)
    /// A folder given to `merge` that is not the output of `digits classify`, or is inconsistent.
    case notResults(path: String, reason: String)
    /// The model, or the engine running it, failed.
    case model(String)

    public var description: String {
        switch self {
        case let .labels(path, line, reason): return "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case let .outputFolder(path, reason): return "\(path): \(reason)"
        case let .cannotWrite(path, reason): return "\(path): cannot write: \(reason)"
        case let .notResults(path, reason): return "\(path): \(reason)"
        case let .model(reason): return reason
        }
    }
}
