import ArgumentParser
import DigitNet
import Foundation

struct Ensemble: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join models of one architecture into one file whose prediction averages theirs.")

    @Argument(help: "Model files (each a single model or an ensemble).")
    var models: [String]

    @Option(help: "The model file to write.")
    var out: String

    func validate() throws {
        guard models.count >= 2 else { throw ValidationError("give at least two models") }
    }

    func run() throws {
        do {
            let parts = try models.map { try Classifier(contentsOf: URL(fileURLWithPath: $0)) }
            let names = models.map { URL(fileURLWithPath: $0).lastPathComponent }
            let joined = try Classifier(ensembleOf: parts, names: models,
                                        metadata: ["ensemble_of": names.joined(separator: ",")])
            try joined.write(to: URL(fileURLWithPath: out))
            print("\(out): \(joined.architecture) ensemble of \(joined.members.count)")
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}
