import ArgumentParser
import DigitVision
import Foundation

@main
struct Digits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Read handwritten digits: train, evaluate and benchmark the CNN.",
        subcommands: [Classify.self, Merge.self, Train.self, Evaluate.self, Bench.self, Preprocess.self, Plot.self, Export.self, Ensemble.self, DataCommand.self]
    )

    static func main() async {
        BLASKernels.choose()
        _ = Console.errors  // before any decoding silences file descriptor 2
        setvbuf(stdout, nil, _IOLBF, 0)  // lines in order with stderr's progress, also in a pipe
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Usage errors exit with status 2, as the tool documents; everything else as ArgumentParser does.
            if exitCode(for: error) == .validationFailure {
                Console.errors.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
