import ArgumentParser
import DigitBatch

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render loss.png and accuracy.png from a training history.csv (of any run, also an earlier one).")

    @Argument(help: "The history.csv file.")
    var history: String

    @Option(help: "Folder for the pictures.")
    var out: String

    func run() throws {
        let records = try Failure.setUp { try TrainingHistory.read(history) }
        try Failure.working { try TrainingHistory.plot(records, to: out) }
        print("\(out)/loss.png, \(out)/accuracy.png: \(records.count) epoch(s)")
    }
}
