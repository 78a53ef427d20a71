import ArgumentParser
import DigitData
import Foundation

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Download or check the MNIST files.", subcommands: [Fetch.self, Verify.self])

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the four MNIST files, verifying each SHA-256 before use.")

        @Option(help: "Destination folder (default: $DIGITS_DATA, else ~/.cache/digits/mnist).")
        var data: String?

        @Option(help: "Base address to download from, instead of the public mirrors (repeatable).")
        var mirror: [String] = []

        func run() async throws {
            let set = DataSet.resolve(data)
            let fetcher = Fetcher(mirrors: mirror.isEmpty ? MNISTFiles.mirrors : mirror)
            do {
                try await fetcher.fetch(into: set.directory) { print($0) }
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the files' checksums and structure.")

        @Option(help: "Folder to check (default: $DIGITS_DATA, else ~/.cache/digits/mnist).")
        var data: String?

        func run() throws {
            do {
                for line in try Fetcher().verify(DataSet.resolve(data).directory) { print(line) }
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
    }
}
