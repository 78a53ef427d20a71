import ArgumentParser
import DigitNet
import Foundation

struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble", abstract: "Join models of one architecture into one file whose prediction averages theirs.")

    @Argument(help: "Model files (each a single model or an ensemble).")
    var models: [String]

    @Option(help: "The model file to write.")
    var out: String

    @Option(name: .customLong("set"), help: "A KEY=VALUE fact to record in the file's metadata (repeatable).")
    var facts: [String] = []

    func validate() throws {
        guard models.count >= 2 else { throw ValidationError("give at least two models") }
        for fact in facts where !fact.contains("=") { throw ValidationError("--set wants KEY=VALUE, not '\(fact)'") }
    }

    func run() throws {
        let parts = try Failure.setUp { try models.map { try Classifier(contentsOf: URL(fileURLWithPath: $0)) } }
        var metadata = ["ensemble_of": models.joined(separator: ",")]
        for fact in facts {
            let kv = fact.split(separator: "=", maxSplits: 1)
            metadata[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
        }
        let joined = try Failure.setUp { try Classifier(ensembleOf: parts, names: models, metadata: metadata) }
        try Failure.working { try joined.write(to: URL(fileURLWithPath: out)) }
        print("\(out): \(joined.architecture) ensemble of \(joined.members.count)")
    }
}
