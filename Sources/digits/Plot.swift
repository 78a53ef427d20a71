import ArgumentParser
import DigitBatch
import Foundation

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render loss.png and accuracy.png from training histories: a history.csv or a run folder each; several are drawn on one chart to compare.")

    @Argument(help: "history.csv files or run folders (the --out of `digits train`).")
    var histories: [String]

    @Option(help: "Folder for the pictures.")
    var out: String

    func validate() throws {
        guard !histories.isEmpty else { throw ValidationError("name at least one history.csv or run folder") }
    }

    func run() throws {
        let runs = try Failure.setUp {
            try histories.map { (name: Self.name($0), records: try TrainingHistory.read($0)) }
        }
        try Failure.working { try TrainingHistory.plot(runs, to: out) }
        print("\(out)/loss.png, \(out)/accuracy.png: " + runs.map { "\($0.name) \($0.records.count) epoch(s)" }.joined(separator: ", "))
    }

    /// A run's name in the legend: its folder's name.
    static func name(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.lastPathComponent == "history.csv" ? url.deletingLastPathComponent().lastPathComponent : url.lastPathComponent
    }
}
