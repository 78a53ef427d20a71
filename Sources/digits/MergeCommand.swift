import ArgumentParser
import DigitBatch

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the outputs of `digits classify --shard I/N` runs into one result with one report.")

    @Argument(help: "The shard output folders.")
    var shards: [String]

    @OptionGroup var output: OutputOptions

    func run() throws {
        try Failure.setUp { try MergeJob.check(shards, out: output.out) }
        let folder = try output.folder()
        let results = try Failure.working { try MergeJob.run(shards, into: folder) }
        print("\(results.files) files, \(results.digits) digits from \(shards.count) shard(s) → \(output.out)")
        if results.failed > 0 { throw Failure.someInputsFailed }
    }
}
