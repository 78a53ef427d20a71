/// One epoch of training history, as plain numbers.
public struct EpochPoint: Sendable {
    public var epoch: Double
    public var trainLoss: Double, validationLoss: Double
    public var trainAccuracy: Double, validationAccuracy: Double

    public init(epoch: Double, trainLoss: Double, validationLoss: Double, trainAccuracy: Double, validationAccuracy: Double) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.validationLoss = validationLoss
        self.trainAccuracy = trainAccuracy; self.validationAccuracy = validationAccuracy
    }
}

/// The loss and accuracy charts of a training run (train and validation, against epoch).
public enum TrainingPlots {
    public static func loss(_ history: [EpochPoint], title: String = "Loss") -> LineChart {
        var chart = trainAndValidation(history, title: title, yLabel: "cross-entropy loss", \.trainLoss, \.validationLoss)
        chart.logarithmicWhenWide = true
        return chart
    }

    public static func accuracy(_ history: [EpochPoint], title: String = "Accuracy") -> LineChart {
        var chart = trainAndValidation(history, title: title, yLabel: "accuracy", \.trainAccuracy, \.validationAccuracy)
        chart.percent = true
        return chart
    }

    /// A chart of one quantity against epoch, for the training and the validation set.
    static func trainAndValidation(_ history: [EpochPoint], title: String, yLabel: String,
                                   _ train: KeyPath<EpochPoint, Double>, _ validation: KeyPath<EpochPoint, Double>) -> LineChart {
        LineChart(title: title, xLabel: "epoch", yLabel: yLabel, series: [
            Series(name: "train", points: history.map { ($0.epoch, $0[keyPath: train]) }, color: Palette.blue),
            Series(name: "validation", points: history.map { ($0.epoch, $0[keyPath: validation]) }, color: Palette.orange),
        ])
    }

    /// Writes loss.png and accuracy.png into `directory`.
    public static func write(_ history: [EpochPoint], to directory: String) throws {
        try loss(history).writePNG(to: directory + "/loss.png")
        try accuracy(history).writePNG(to: directory + "/accuracy.png")
    }

    /// Several runs on one chart, one colour a run: validation solid, training dashed.
    public static func compared(_ runs: [(name: String, history: [EpochPoint])], title: String, yLabel: String,
                                _ train: KeyPath<EpochPoint, Double>, _ validation: KeyPath<EpochPoint, Double>) -> LineChart {
        var series = [Series]()
        for (k, run) in runs.enumerated() {
            let color = Palette.series[k % Palette.series.count]
            series.append(Series(name: run.name + " validation", points: run.history.map { ($0.epoch, $0[keyPath: validation]) }, color: color))
            series.append(Series(name: run.name + " train", points: run.history.map { ($0.epoch, $0[keyPath: train]) }, color: color, dashed: true))
        }
        return LineChart(title: title, xLabel: "epoch", yLabel: yLabel, series: series)
    }

    /// Writes loss.png and accuracy.png comparing `runs` into `directory`; one run is drawn as `write` draws it.
    public static func write(_ runs: [(name: String, history: [EpochPoint])], to directory: String) throws {
        guard runs.count > 1 else { return try write(runs.first?.history ?? [], to: directory) }
        var l = compared(runs, title: "Loss", yLabel: "cross-entropy loss", \.trainLoss, \.validationLoss)
        l.logarithmicWhenWide = true
        var a = compared(runs, title: "Accuracy", yLabel: "accuracy", \.trainAccuracy, \.validationAccuracy)
        a.percent = true
        try l.writePNG(to: directory + "/loss.png")
        try a.writePNG(to: directory + "/accuracy.png")
    }
}
