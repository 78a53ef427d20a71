import ArgumentParser
import DigitBatch
import DigitNet
import DigitVision
import Foundation

struct Preprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the scan pipeline on one image and write every stage as PNG, with the digits read.")

    @Argument(help: "The image (or a PDF or TIFF: see --page).")
    var file: String

    @Option(help: "The page of a PDF or of a TIFF of several pages (from 1).")
    var page: Int?

    @Option(help: "Resolution to rasterise a PDF page at, in dots per inch.")
    var dpi: Double = 300

    func validate() throws {
        if let page, page < 1 { throw ValidationError("--page must be at least 1") }
        guard (10...1200).contains(dpi) else { throw ValidationError("--dpi must be between 10 and 1200") }
    }

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
        options.lineReader = try reader.load()?.lineRead()
        let image = try Failure.setUp {
            try page != nil || Pages.isPDF(file) ? Pages.load(file, page: page ?? 1, dpi: dpi) : Decoder.load(file)
        }
        let result = try Failure.working { try Pipeline.scanUpright(image, options: options) { try engine.probabilityRows($0, threads: 1) } }
        // Read as `classify` reads: the marks the scan has read keep what was read in them, the rest are read
        // in one batch, and marks that are no digit are left out of the reading.
        var outcomes = [FileOutcome(path: file, result: result)]
        ClassifyJob(engine: engine, threads: 1).read(&outcomes, threads: 1)
        if let error = outcomes[0].error { throw Failure.failed("\(file): \(error)") }
        let marks = FileReading.marks(of: result, probabilities: outcomes[0].probabilities)
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
        let read = FileReading.reading(marks)
        let digits = marks.filter { $0.digit != nil }.count
        var facts = "angle " + String(format: "%.1f", result.angle) + "°"
        if result.quarterTurns != 0 { facts += ", turned \(90 * result.quarterTurns)°" }
        if result.lightOnDark { facts += ", light on dark" }
        if result.grid != nil { facts += ", grid" }
        let others = result.digits.count - digits
        print("\(file): \(digits) digit(s)\(others > 0 ? ", \(others) other mark(s)" : ""), \(facts): \(read.isEmpty ? "(no digit)" : read)")
        for w in result.warnings { print("warning: \(w)") }
    }
}
