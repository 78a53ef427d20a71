@testable import DigitReport
import Foundation
import XCTest

final class ChartTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testNiceTicks() {
        XCTAssertEqual(Axis(covering: [0.013, 0.97]).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        XCTAssertEqual(Axis(covering: [1, 30], maxTicks: 10).ticks, [0, 5, 10, 15, 20, 25, 30])
        let log = Axis(covering: [0.004, 2.3], logarithmic: true)
        XCTAssertEqual(log.ticks, [0.001, 0.01, 0.1, 1, 10])
        XCTAssertEqual(log.fraction(0.1), 0.5, accuracy: 1e-9)
        XCTAssertEqual(Axis(covering: [5, 5]).ticks.count > 1, true, "a flat series still gets an axis")
    }

    func history(_ n: Int) -> [EpochPoint] {
        (1...n).map { (e: Int) -> EpochPoint in
            let x = Double(e)
            let trainLoss: Double = 2 / x, validationLoss: Double = 2.2 / x
            let trainAccuracy: Double = 1 - 0.5 / x, validationAccuracy: Double = 1 - 0.6 / x
            return EpochPoint(epoch: x, trainLoss: trainLoss, validationLoss: validationLoss,
                              trainAccuracy: trainAccuracy, validationAccuracy: validationAccuracy)
        }
    }

    func testTrainingPlotsDrawBothSeries() throws {
        for n in [1, 30, 1000] {
            try TrainingPlots.write(history(n), to: dir)
            for name in ["loss", "accuracy"] {
                let png = PNGImage(dir + "/\(name).png")
                XCTAssertEqual(png.width, 900); XCTAssertEqual(png.height, 600)
                XCTAssertGreaterThan(png.count(Palette.blue, tolerance: 10), 100, "\(name) of \(n) epochs: train line")
                XCTAssertGreaterThan(png.count(Palette.orange, tolerance: 10), 100, "\(name) of \(n) epochs: validation line")
            }
        }
        // Loss spanning more than a decade goes on a log axis; accuracy never does.
        XCTAssertTrue(TrainingPlots.loss(history(30)).isLogarithmic)
        XCTAssertFalse(TrainingPlots.accuracy(history(30)).isLogarithmic)
    }

    /// Several runs on one chart: a colour a run, validation solid and training dashed (a dashed line leaves
    /// fewer pixels of its colour than a solid one of the same course).
    func testRunsAreCompared() throws {
        let a = history(10), b = history(10).map { p -> EpochPoint in var q = p; q.trainLoss *= 3; q.validationLoss *= 3; return q }
        try TrainingPlots.write([(name: "a", history: a), (name: "b", history: b)], to: dir)
        let chart = TrainingPlots.compared([(name: "a", history: a), (name: "b", history: b)], title: "Loss", yLabel: "loss",
                                           \.trainLoss, \.validationLoss)
        XCTAssertEqual(chart.series.map(\.name), ["a validation", "a train", "b validation", "b train"])
        XCTAssertEqual(chart.series.map(\.dashed), [false, true, false, true])
        let png = PNGImage(dir + "/loss.png")
        XCTAssertGreaterThan(png.count(Palette.series[0], tolerance: 10), 100, "first run")
        XCTAssertGreaterThan(png.count(Palette.series[1], tolerance: 10), 100, "second run")
        let solid = LineChart(title: "", xLabel: "", yLabel: "", series: [Series(name: "s", points: a.map { ($0.epoch, $0.trainLoss) }, color: Palette.blue)])
        var dashed = solid
        dashed.series[0].dashed = true
        try solid.writePNG(to: dir + "/solid.png")
        try dashed.writePNG(to: dir + "/dashed.png")
        XCTAssertLessThan(PNGImage(dir + "/dashed.png").count(Palette.blue, tolerance: 10),
                          PNGImage(dir + "/solid.png").count(Palette.blue, tolerance: 10) * 9 / 10)
    }

    /// NaN and infinite values are skipped: the chart still shows the finite points, nothing crashes.
    func testNonFiniteValuesAreSkipped() throws {
        var h = history(20)
        h[3].trainLoss = .nan; h[4].trainLoss = .infinity; h[7].validationLoss = -.infinity
        let chart = TrainingPlots.loss(h)
        try chart.writePNG(to: dir + "/nan.png")
        let png = PNGImage(dir + "/nan.png")
        XCTAssertGreaterThan(png.count(Palette.blue, tolerance: 10), 100)
        let allNaN = LineChart(title: "t", xLabel: "x", yLabel: "y",
                               series: [Series(name: "s", points: [(1, .nan), (2, .nan)], color: Palette.blue)])
        try allNaN.writePNG(to: dir + "/allnan.png")
        let empty = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [Series(name: "s", points: [], color: Palette.blue)])
        try empty.writePNG(to: dir + "/empty.png")
        // Only the legend's swatch is blue: no line, no points.
        XCTAssertEqual(PNGImage(dir + "/allnan.png").count(Palette.blue, tolerance: 10), PNGImage(dir + "/empty.png").count(Palette.blue, tolerance: 10))
    }

    func testPlotFrameAndBackground() throws {
        let chart = TrainingPlots.accuracy(history(10))
        try chart.writePNG(to: dir + "/acc.png", width: 800, height: 400)
        let png = PNGImage(dir + "/acc.png")
        XCTAssertEqual(png[2, 2], 0xFFFFFF, "white background")
        // The plot frame's left edge: 70·s from the left, s = 400/400.
        var frame = 0
        for y in 100..<300 where max(png[69, y] & 0xFF, png[70, y] & 0xFF) < 0xC0 && min(png[69, y] & 0xFF, png[70, y] & 0xFF) < 0xC0 { frame += 1 }
        XCTAssertGreaterThan(frame, 150)
    }

    /// Every error shows: a single error among a thousand right readings is tinted clearly, the largest error
    /// fully; cells without errors stay white.
    func testConfusionErrorsShow() throws {
        var counts = Array(repeating: Array(repeating: 0, count: 10), count: 10)
        for k in 0..<10 { counts[k][k] = 1000 }
        counts[7][1] = 7
        counts[3][5] = 1
        let chart = ConfusionChart(title: "c", counts: counts)
        try chart.writePNG(to: dir + "/c.png")
        let png = PNGImage(dir + "/c.png")
        // The cell layout of `draw` at scale 1: left 90, top 80, cell = min(570/10, 580/10) = 57.
        func cell(_ i: Int, _ j: Int) -> UInt32 { png[90 + 57 * j + 5, 80 + 57 * i + 5] }
        XCTAssertEqual(cell(7, 1), PNGImage.hex(Palette.vermillion), "the largest error at full colour")
        let one = cell(3, 5), r = Int(one >> 16 & 255), g = Int(one >> 8 & 255)
        XCTAssertLessThan(g, 200, "a single error is clearly tinted")
        XCTAssertGreaterThan(r, g)
        XCTAssertEqual(cell(2, 6), 0xFFFFFF, "no error, no tint")
        XCTAssertEqual(ConfusionChart.errorTint(0, largest: 7), 0)
        XCTAssertEqual(ConfusionChart.errorTint(7, largest: 7), 1)
    }

    /// The legend stands right of the plot frame, off the curves: the validation swatch is right of the
    /// frame's right edge, and every plotted point is left of it.
    func testLegendIsOffTheData() throws {
        let chart = TrainingPlots.accuracy(history(10))
        try chart.writePNG(to: dir + "/legend.png", width: 900, height: 600)
        let png = PNGImage(dir + "/legend.png")
        // The frame: the rightmost column dark gray over most of the plot's height.
        func dark(_ p: UInt32) -> Bool { p >> 16 & 255 < 0xA0 && p >> 8 & 255 < 0xA0 && p & 255 < 0xA0 && (p >> 16 & 255) == (p & 255) }
        let frameRight = try XCTUnwrap((0..<png.width).last { x in (0..<png.height).filter { dark(png[x, $0]) }.count > 200 })
        let orange = (0..<png.width).filter { x in (0..<png.height).contains { png[x, $0] == PNGImage.hex(Palette.orange) } }
        XCTAssertTrue(orange.contains { $0 > frameRight + 5 }, "the legend's swatch right of the frame")
        XCTAssertTrue(orange.contains { $0 < frameRight }, "the curve inside it")
    }
}
