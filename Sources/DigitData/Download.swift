import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Errors fetching or verifying data; each names the file or address.
public enum FetchError: Error, CustomStringConvertible, Equatable {
    case http(String, Int)
    case network(String, String)
    case checksum(String, expected: String, found: String)
    case missing(String)

    public var description: String {
        switch self {
        case let .http(url, code): return "\(url): server answered HTTP \(code)"
        case let .network(url, why): return "\(url): download failed: \(why)"
        case let .checksum(f, e, found): return "\(f): SHA-256 \(found) does not match the published \(e)"
        case let .missing(f): return "\(f): file not found"
        }
    }
}

/// The four MNIST files with their published SHA-256 checksums (of the .gz and of the uncompressed file).
public enum MNISTFiles {
    public struct Entry: Sendable {
        public let name: String
        public let gzipSHA256: String
        public let plainSHA256: String
    }

    public static let entries: [Entry] = [
        Entry(name: DataSet.trainImages, gzipSHA256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
              plainSHA256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        Entry(name: DataSet.trainLabels, gzipSHA256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
              plainSHA256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        Entry(name: DataSet.testImages, gzipSHA256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
              plainSHA256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        Entry(name: DataSet.testLabels, gzipSHA256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
              plainSHA256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    ]

    /// Public mirrors that serve the original .gz files, tried in order.
    public static let mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ]
}

/// Downloads the MNIST files into a folder, verifying each checksum before it is put in place.
public struct Fetcher: Sendable {
    public var mirrors: [String]
    public var entries: [MNISTFiles.Entry]

    public init(mirrors: [String] = MNISTFiles.mirrors, entries: [MNISTFiles.Entry] = MNISTFiles.entries) {
        self.mirrors = mirrors; self.entries = entries
    }

    /// Fetches every file not already present and valid; `log` hears one line per file.
    public func fetch(into directory: URL, log: (String) -> Void = { _ in }) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for entry in entries {
            let target = directory.appendingPathComponent(entry.name + ".gz")
            if let data = try? Data(contentsOf: target), SHA256.hex(data) == entry.gzipSHA256 {
                log("\(target.path): present, checksum ok")
                continue
            }
            var lastError: Error = FetchError.missing(entry.name)
            var done = false
            for mirror in mirrors where !done {
                let url = mirror + (mirror.hasSuffix("/") ? "" : "/") + entry.name + ".gz"
                do {
                    let data = try await Self.download(url)
                    let sum = SHA256.hex(data)
                    guard sum == entry.gzipSHA256 else { throw FetchError.checksum(url, expected: entry.gzipSHA256, found: sum) }
                    try data.write(to: target, options: .atomic)
                    log("\(target.path): downloaded from \(url), checksum ok")
                    done = true
                } catch {
                    lastError = error
                    log("\(url): \(error)")
                }
            }
            if !done { throw lastError }
        }
    }

    static func download(_ address: String) async throws -> Data {
        guard let url = URL(string: address) else { throw FetchError.network(address, "bad address") }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(from: url)
        } catch {
            throw FetchError.network(address, (error as NSError).localizedDescription)
        }
        if let http = response as? HTTPURLResponse, http.statusCode != 200 { throw FetchError.http(address, http.statusCode) }
        return data
    }

    /// Checks every file in `directory`: present (plain or .gz), checksum as published, and readable as IDX.
    /// Returns one line per file; throws on the first failure.
    public func verify(_ directory: URL) throws -> [String] {
        var lines = [String]()
        for entry in entries {
            let gz = directory.appendingPathComponent(entry.name + ".gz"), plain = directory.appendingPathComponent(entry.name)
            let (url, expected): (URL, String) = FileManager.default.fileExists(atPath: gz.path)
                ? (gz, entry.gzipSHA256) : (plain, entry.plainSHA256)
            guard let data = try? Data(contentsOf: url) else { throw FetchError.missing(url.path) }
            let sum = SHA256.hex(data)
            guard sum == expected else { throw FetchError.checksum(url.path, expected: expected, found: sum) }
            lines.append("\(url.path): checksum ok")
        }
        let set = DataSet(directory: directory)
        let train = try set.training(), test = try set.test()
        lines.append("\(train.count) training and \(test.count) test images, \(train.rows)x\(train.columns)")
        return lines
    }
}
