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
        var chart = LineChart(title: title, xLabel: "epoch", yLabel: "cross-entropy loss", series: [
            Series(name: "train", points: history.map { ($0.epoch, $0.trainLoss) }, color: Palette.blue),
            Series(name: "validation", points: history.map { ($0.epoch, $0.validationLoss) }, color: Palette.orange),
        ])
        chart.logarithmicWhenWide = true
        return chart
    }

    public static func accuracy(_ history: [EpochPoint], title: String = "Accuracy") -> LineChart {
        var chart = LineChart(title: title, xLabel: "epoch", yLabel: "accuracy", series: [
            Series(name: "train", points: history.map { ($0.epoch, $0.trainAccuracy) }, color: Palette.blue),
            Series(name: "validation", points: history.map { ($0.epoch, $0.validationAccuracy) }, color: Palette.orange),
        ])
        chart.percent = true
        return chart
    }

    /// Writes loss.png and accuracy.png into `directory`.
    public static func write(_ history: [EpochPoint], to directory: String) throws {
        try loss(history).writePNG(to: directory + "/loss.png")
        try accuracy(history).writePNG(to: directory + "/accuracy.png")
    }
}
