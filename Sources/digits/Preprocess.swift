import ArgumentParser
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

    @Option(help: "Model file (default: the bundled pretrained model).")
    var model: String?

    func run() throws {
        useSingleThreadedBLAS()
        var options = ScanOptions()
        options.keepStages = true
        let result: ScanResult
        let (classifier, _) = try loadClassifier(model)
        do {
            result = try Pipeline.scanUpright(Decoder.load(file), options: options) { Engine.digits(classifier).meanConfidence($0) }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let dir = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        if let s = result.stages {
            try s.gray.writePNG(to: path("1-gray.png"))
            try s.lit.writePNG(to: path("2-lit.png"))
            try s.binary.writePNG(to: path("3-binary.png"))
            try s.deskewed.writePNG(to: path("4-deskewed.png"))
            try s.cleaned.writePNG(to: path("5-lines-removed.png"))
            try boxesImage(s.deskewed, result: result).writePNG(to: path("6-boxes.png"))
        }
        try samplesStrip(result.digits).writePNG(to: path("7-samples.png"))
        var read = ""
        let rows = Engine.digits(classifier).probabilityRows(result.digits.map(\.sample), threads: 1)
        var line = 0
        for (d, row) in zip(result.digits, rows) {
            if d.line != line { read += " "; line = d.line }
            read += String(row.indices.max { row[$0] < row[$1] } ?? 0)
        }
        print("\(file): \(result.digits.count) digit(s), angle \(String(format: "%.1f", result.angle))°\(result.quarterTurns != 0 ? ", turned \(90 * result.quarterTurns)°" : "")\(result.lightOnDark ? ", light on dark" : "")\(result.grid != nil ? ", grid" : ""): \(read)")
        for w in result.warnings { print("warning: \(w)") }
    }

    /// The straightened page with a frame drawn around each digit found (gray frames on the gray page).
    func boxesImage(_ page: GrayImage, result: ScanResult) -> GrayImage {
        var img = page
        let straight = result.angle == 0 && result.quarterTurns == 0
        guard straight || true else { return img }
        // Boxes are in original coordinates; on a straightened page draw them only when no rotation happened.
        if !straight { return img }
        for d in result.digits {
            let b = d.box
            for t in 0..<max(1, page.width / 400) {
                for x in max(0, b.x - t)..<min(img.width, b.maxX + t) {
                    if b.y - t >= 0 { img[x, b.y - t] = 0 }
                    if b.maxY - 1 + t < img.height { img[x, b.maxY - 1 + t] = 0 }
                }
                for y in max(0, b.y - t)..<min(img.height, b.maxY + t) {
                    if b.x - t >= 0 { img[b.x - t, y] = 0 }
                    if b.maxX - 1 + t < img.width { img[b.maxX - 1 + t, y] = 0 }
                }
            }
        }
        return img
    }

    /// The 28x28 samples side by side (at most 40 a row), as the network sees them.
    func samplesStrip(_ digits: [ScannedDigit]) -> GrayImage {
        let perRow = max(1, min(40, digits.count)), rows = max(1, (digits.count + perRow - 1) / perRow)
        var img = GrayImage(width: perRow * 30, height: rows * 30, value: 64)
        for (i, d) in digits.enumerated() {
            let ox = (i % perRow) * 30 + 1, oy = (i / perRow) * 30 + 1
            for y in 0..<28 { for x in 0..<28 { img[ox + x, oy + y] = UInt8(d.sample[y * 28 + x] * 255) } }
        }
        return img
    }
}
