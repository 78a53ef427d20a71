import DigitNet
import Foundation

/// A folder holding the four MNIST-format files (plain or .gz).
public struct DataSet: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// The folder to use: `--data`, else `$DIGITS_DATA`, else `~/.cache/digits/mnist`.
    public static func resolve(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DataSet {
        if let option, !option.isEmpty { return DataSet(directory: URL(fileURLWithPath: option)) }
        if let env = environment["DIGITS_DATA"], !env.isEmpty { return DataSet(directory: URL(fileURLWithPath: env)) }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return DataSet(directory: home.appendingPathComponent(".cache/digits/mnist"))
    }

    /// The standard file names, without .gz.
    public static let trainImages = "train-images-idx3-ubyte", trainLabels = "train-labels-idx1-ubyte"
    public static let testImages = "t10k-images-idx3-ubyte", testLabels = "t10k-labels-idx1-ubyte"

    /// The path of `name`, preferring the .gz form when both are present.
    public func file(_ name: String) -> URL {
        let gz = directory.appendingPathComponent(name + ".gz")
        if FileManager.default.fileExists(atPath: gz.path) { return gz }
        let plain = directory.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: plain.path) ? plain : gz
    }

    public func training() throws -> LabeledImages {
        try IDX.load(images: file(Self.trainImages), labels: file(Self.trainLabels))
    }

    public func test() throws -> LabeledImages {
        try IDX.load(images: file(Self.testImages), labels: file(Self.testLabels))
    }
}
