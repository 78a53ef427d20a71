import ArgumentParser
import DigitData
import Foundation

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Download or check the MNIST files.", subcommands: [Fetch.self, Verify.self])

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the four MNIST files, verifying each SHA-256 before use.")

        @OptionGroup var data: DataOption

        @Option(help: "Base address to download from, instead of the public mirrors (repeatable).")
        var mirror: [String] = []

        func run() async throws {
            let set = DataSet.resolve(data.data)
            let fetcher = Fetcher(mirrors: mirror.isEmpty ? MNISTFiles.mirrors : mirror)
            do {
                try await fetcher.fetch(into: set.directory) { print($0) }
            } catch {
                throw Failure.failed(error)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the files' checksums and structure.")

        @OptionGroup var data: DataOption

        func run() throws {
            for line in try Failure.working({ try Fetcher().verify(DataSet.resolve(data.data).directory) }) { print(line) }
        }
    }
}
