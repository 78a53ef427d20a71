import ArgumentParser
import DigitNet
import DigitVision
import Foundation

@main
struct Digits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Read handwritten digits: classify scans, train, evaluate and benchmark the CNN.",
        discussion: """
            Exit status, the same for every command:
              0    done
              1    the work ran but failed, or some inputs could not be read (each is listed)
              2    nothing was done: bad options, or a model, data set, labels file or output folder that cannot be used
              130  interrupted (Ctrl-C); nothing half-written is left in place
            """,
        version: "digits 0.4.0",
        subcommands: [Classify.self, MergeCommand.self, Train.self, Evaluate.self, Bench.self, Preprocess.self, Plot.self,
                      Export.self, EnsembleCommand.self, Calibrate.self, TrainReader.self, DataCommand.self, Synth.self]
    )

    static func main() async {
        BLASKernels.choose()
        _ = Console.errors  // before any decoding silences file descriptor 2
        Console.lineBufferOutput()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            if let message = failure.message { printError(message) }
            Foundation.exit(failure.status)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.errors.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(Failure.usageStatus)
            }
            exit(withError: error)
        }
    }
}
