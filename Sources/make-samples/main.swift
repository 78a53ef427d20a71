// Renders the example scans in samples/ with their labels: digits in handwriting fonts from Debian's
// packages, on paper with rotation, blur, noise, shading, colour and JPEG artefacts. Deterministic.
import DigitImage
import DigitReport
import DigitShim
import DigitVision
import Foundation

// `make-samples DIR` renders samples/; `make-samples --scans N DIR` renders N single-digit 600x600 scans for
// benchmarks (named LABEL_INDEX.png).
var arguments = Array(CommandLine.arguments.dropFirst())
let usage = "usage: make-samples [DIR]  (default samples)\n       make-samples --scans N DIR"
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("make-samples: \(message)\n\(usage)\n".utf8))
    exit(2)
}
if arguments.contains(where: { $0 == "-h" || $0 == "--help" }) {
    print(usage)
    exit(0)
}
var scans = 0
if arguments.first == "--scans" {
    guard arguments.count >= 3, let n = Int(arguments[1]), n > 0 else { fail("--scans needs a count and a folder") }
    scans = n
    arguments.removeFirst(2)
}
if let flag = arguments.first(where: { $0.hasPrefix("-") }) { fail("unknown option \(flag)") }
let out = arguments.first ?? "samples"
try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
let fonts = ["Humor Sans", "DkgHandwriting", "Breip", "Klee One"]
var labels = [(String, String)]()

var seed: UInt64 = 2026
@MainActor func random() -> Double {
    seed = seed &* 6364136223846793005 &+ 1442695040888963407
    return Double(seed >> 11) / Double(1 << 53)
}

/// Gray page with `lines` of digits written in `font`, each line at (x, y) with digit spacing `step`.
@MainActor func page(width: Int, height: Int, font: String, size: Double, lines: [(String, Double, Double)], step: Double,
          draw extra: (Canvas) -> Void = { _ in }) -> GrayImage {
    let r = renderImage(width: width, height: height) { c in
        extra(c)
        for (digits, x, y) in lines {
            for (i, ch) in digits.enumerated() {
                // A little wobble in place and size, as a hand writes.
                let jx = (random() - 0.5) * size * 0.12, jy = (random() - 0.5) * size * 0.12
                c.text(String(ch), x: x + Double(i) * step + jx, y: y + jy, size: size * (0.92 + 0.16 * random()),
                       color: Color(0.08, 0.08, 0.12), align: .center, font: font)
            }
        }
    }
    return GrayImage(width: r.width, height: r.height, pixels: r.pixels)
}

@MainActor func degrade(_ img: GrayImage, noise: Double, shade: Double, blur: Bool) -> GrayImage {
    var px = img.pixels.map(Double.init)
    let w = img.width, h = img.height
    if blur {
        var b = px
        for y in 1..<(h - 1) { for x in 1..<(w - 1) {
            var s = 0.0
            for dy in -1...1 { for dx in -1...1 { s += px[(y + dy) * w + x + dx] } }
            b[y * w + x] = s / 9
        }}
        px = b
    }
    for y in 0..<h { for x in 0..<w {
        // Light falls off towards one corner; grain everywhere.
        let fall = 1 - shade * (Double(x) / Double(w) * 0.6 + Double(y) / Double(h) * 0.4)
        px[y * w + x] = px[y * w + x] * fall + (random() - 0.5) * noise
    }}
    return GrayImage(width: w, height: h, pixels: px.map { UInt8(max(0, min(255, $0.rounded()))) })
}

@MainActor func write(_ img: GrayImage, _ name: String, label: String, paper: (Double, Double, Double)? = nil) throws {
    let path = (out as NSString).appendingPathComponent(name)
    var err = ds_error()
    if let paper {
        var bgr = [UInt8](repeating: 0, count: img.pixels.count * 3)
        for i in img.pixels.indices {
            let v = Double(img.pixels[i])
            bgr[3 * i] = UInt8(v * paper.0); bgr[3 * i + 1] = UInt8(v * paper.1); bgr[3 * i + 2] = UInt8(v * paper.2)
        }
        let code = bgr.withUnsafeBufferPointer { ds_write_image(path, $0.baseAddress, Int32(img.width), Int32(img.height), 3, &err) }
        precondition(code == 0, "cannot write \(path)")
    } else {
        try img.writePNG(to: path)
    }
    labels.append((name, label))
}

if scans > 0 {
    // Rendered once per digit and font, then varied by a small shift, grain and shading per file.
    var base = [[GrayImage]]()
    for d in 0...9 {
        base.append(fonts.map { page(width: 600, height: 600, font: $0, size: 380, lines: [(String(d), 300, 440)], step: 0) })
    }
    for i in 0..<scans {
        let d = i % 10
        let img = degrade(base[d][(i / 10) % fonts.count], noise: 16, shade: 0.2 * random(), blur: false)
        try img.writePNG(to: (out as NSString).appendingPathComponent("\(d)_\(i).png"))
    }
    print("\(scans) scans in \(out)")
    exit(0)
}

// Single digits, one per font in turn, some blurred and noisy, some as JPEG.
for d in 0...9 {
    let font = fonts[d % fonts.count]
    var img = page(width: 240, height: 240, font: font, size: 170, lines: [(String(d), 120, 180)], step: 0)
    img = degrade(img, noise: d % 3 == 0 ? 30 : 12, shade: d % 4 == 1 ? 0.35 : 0.05, blur: d % 2 == 0)
    try write(img, "digit_\(d)\(d % 3 == 2 ? ".jpg" : ".png")", label: String(d))
}

// A row of digits.
try write(degrade(page(width: 900, height: 200, font: "Humor Sans", size: 110, lines: [("31415926", 80, 140)], step: 105),
                  noise: 10, shade: 0.1, blur: false), "row.png", label: "31415926")

// A small form: a printed 3x5 grid, some cells filled, some empty.
let formDigits: [[Character?]] = [["4", nil, "7", "1", nil], [nil, "9", "0", nil, "3"], ["8", "5", nil, "2", "6"]]
let form = page(width: 640, height: 430, font: "DkgHandwriting", size: 80, lines: [], step: 0) { c in
    c.text("Form 7 — please write one digit per box", x: 40, y: 40, size: 18, color: Color(0.3, 0.3, 0.3))
    for r in 0...3 { c.line(40, 70 + Double(r) * 110, 600, 70 + Double(r) * 110, color: Color(0.25, 0.25, 0.3), width: 2.5) }
    for k in 0...5 { c.line(40 + Double(k) * 112, 70, 40 + Double(k) * 112, 400, color: Color(0.25, 0.25, 0.3), width: 2.5) }
    for (r, row) in formDigits.enumerated() {
        for (k, ch) in row.enumerated() {
            if let ch {
                c.text(String(ch), x: 96 + Double(k) * 112 + (random() - 0.5) * 14, y: 150 + Double(r) * 110 + (random() - 0.5) * 10,
                       size: 78, color: Color(0.05, 0.1, 0.35), align: .center, font: "DkgHandwriting")
            }
        }
    }
}
try write(degrade(form, noise: 12, shade: 0.08, blur: true), "form.png",
          label: formDigits.flatMap { $0.compactMap { $0 } }.map(String.init).joined())

// A tilted page: three lines, turned by 7 degrees.
let lines = page(width: 760, height: 520, font: "Humor Sans", size: 100, lines: [("2718", 140, 150), ("1618", 140, 290), ("5772", 140, 430)], step: 150)
try write(degrade(try lines.rotated(by: 7, fill: 255), noise: 14, shade: 0.1, blur: false), "tilted.png", label: "271816185772")

// A photo-like page: yellowish paper, strong shading, grain, blur, JPEG.
let photo = page(width: 800, height: 560, font: "Breip", size: 120, lines: [("907", 180, 200), ("436", 180, 420)], step: 180)
try write(degrade(photo, noise: 26, shade: 0.55, blur: true), "photo.jpg", label: "907436", paper: (0.62, 0.88, 1.0))

// Chalk on a board: light digits on dark.
let board = page(width: 620, height: 240, font: "Klee One", size: 140, lines: [("2024", 110, 180)], step: 130)
try write(degrade(board, noise: 10, shade: 0, blur: true).inverted(), "board.png", label: "2024")

let csv = "file,label\n" + labels.map { "\($0.0),\($0.1)" }.joined(separator: "\n") + "\n"
try csv.write(toFile: (out as NSString).appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
print("\(labels.count) samples in \(out)")
