import ArgumentParser
import DigitVision

@main
struct Digits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Read handwritten digits: train, evaluate and benchmark the CNN.",
        subcommands: [Train.self, Evaluate.self, Bench.self, Preprocess.self, Plot.self, DataCommand.self]
    )

    static func main() async {
        _ = Console.errors  // before any decoding silences file descriptor 2
        await main(nil)
    }
}
