import ArgumentParser

@main
struct Digits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Read handwritten digits: train, evaluate and benchmark the CNN.",
        subcommands: [Train.self, Evaluate.self, Bench.self, DataCommand.self]
    )
}
