import ArgumentParser
import DigitNet
import DigitReport
import Foundation

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render loss.png and accuracy.png from a training history.csv (of any run, also an earlier one).")

    @Argument(help: "The history.csv file.")
    var history: String

    @Option(help: "Folder for the pictures.")
    var out: String

    func run() throws {
        let url = URL(fileURLWithPath: history)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            printError("\(history): cannot read")
            throw ExitCode(1)
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.first?.hasPrefix("epoch,") == true else {
            printError("\(history): not a history.csv (its first line should be \(EpochRecord.csvHeader))")
            throw ExitCode(1)
        }
        let records = lines.dropFirst().compactMap { EpochRecord(csvLine: $0) }
        guard !records.isEmpty else {
            printError("\(history): holds no epochs")
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try TrainingPlots.write(epochPoints(records), to: out)
        print("\(out)/loss.png, \(out)/accuracy.png: \(records.count) epoch(s)")
    }
}
