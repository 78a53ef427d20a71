import ArgumentParser

@main
struct Digits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Read handwritten digits: train, evaluate and benchmark the CNN.",
        subcommands: [Train.self]
    )
}
