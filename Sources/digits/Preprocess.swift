import ArgumentParser
import DigitBatch
import DigitNet
import DigitVision
import Foundation

struct Preprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the scan pipeline on one image and write every stage as PNG, with the digits read.")

    @Argument(help: "The image.")
    var file: String

    @Option(help: "Folder for the stage images.")
    var out: String

    @OptionGroup var model: ModelOption
    @OptionGroup var reader: ReaderOption

    func run() throws {
        useSingleThreadedBLAS()
        var options = ScanOptions()
        options.keepStages = true
        let (classifier, _) = try model.load()
        let engine = Engine.digits(classifier)
        options.reader = { try engine.probabilityRows($0, threads: 1) }
        options.lineReader = try reader.load()?.lineRead
        let image = try Failure.setUp { try Decoder.load(file) }
        let result = try Failure.working { try Pipeline.scanUpright(image, options: options) { try engine.probabilityRows($0, threads: 1) } }
        let predictions = try Failure.working { try engine.probabilityRows(result.digits.map(\.sample), threads: 1).map { $0.top.index } }
        try Failure.working {
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
            if let s = result.stages {
                try s.gray.writePNG(to: path("1-gray.png"))
                try s.lit.writePNG(to: path("2-lit.png"))
                try s.binary.writePNG(to: path("3-binary.png"))
                try s.deskewed.writePNG(to: path("4-deskewed.png"))
                try s.cleaned.writePNG(to: path("5-lines-removed.png"))
                try StagePictures.boxes(s.deskewed, result: result).writePNG(to: path("6-boxes.png"))
            }
            try StagePictures.samples(result.digits).writePNG(to: path("7-samples.png"))
        }
        let read = StagePictures.reading(result.digits, predictions: predictions)
        var facts = "angle " + String(format: "%.1f", result.angle) + "°"
        if result.quarterTurns != 0 { facts += ", turned \(90 * result.quarterTurns)°" }
        if result.lightOnDark { facts += ", light on dark" }
        if result.grid != nil { facts += ", grid" }
        print("\(file): \(result.digits.count) digit(s), \(facts): \(read)")
        for w in result.warnings { print("warning: \(w)") }
    }
}
