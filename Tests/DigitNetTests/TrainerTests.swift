@testable import DigitNet
import DigitData
import Foundation
import XCTest

final class TrainerTests: XCTestCase {
    /// Synthetic 28x28 images: class k is a bright bar at row 2k+4, so the classes are separable.
    static func bars(_ count: Int) -> LabeledImages {
        var pixels = [UInt8](repeating: 0, count: count * 784), labels = [UInt8]()
        var rng = RandomSource(seed: 9)
        for i in 0..<count {
            let k = i % 10
            labels.append(UInt8(k))
            for x in 4..<24 { pixels[i * 784 + (2 * k + 4) * 28 + x] = UInt8(200 + rng.next() % 56) }
        }
        return LabeledImages(rows: 28, columns: 28, pixels: pixels, labels: labels)
    }

    func weights(_ t: Trainer) -> [Float] { t.network.namedTensors.flatMap(\.1.data) }

    func testResumeContinuesExactlyAndRunsRepeat() throws {
        let data = Self.bars(300)
        var options = TrainingOptions(architecture: .lenet, epochs: 2, seed: 5, threads: 2, validationCount: 50)
        options.recipe.augmentation = Augmentation(rotation: 10, scale: 0.1, translation: 0.1)
        options.recipe.emaDecay = 0.9
        var straight = Trainer(options: options, data: data)
        _ = straight.trainEpoch()
        let second = straight.trainEpoch()

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = TrainingRun(directory: dir)
        var first = Trainer(options: options, data: data)
        try run.open(&first, resume: false)
        let record = first.trainEpoch()!
        try run.save(first, record: record)
        // Interrupted in epoch 2: nothing is returned, and the checkpoint still holds epoch 1.
        var calls = 0
        XCTAssertNil(first.trainEpoch(shouldStop: { calls += 1; return calls > 1 }))
        var resumed = Trainer(options: options, data: data)
        try run.open(&resumed, resume: true)
        XCTAssertEqual(resumed.epoch, 1)
        let again = resumed.trainEpoch()!
        XCTAssertTrue(weights(resumed) == weights(straight), "resumed training differs from uninterrupted training")
        XCTAssertEqual(again.validationAccuracy, second!.validationAccuracy)
        try run.save(resumed, record: again)
        XCTAssertEqual(run.history().map(\.epoch), [1, 2])
        XCTAssertThrowsError(try run.open(&resumed, resume: false)) { error in
            XCTAssertTrue("\(error)".contains("--resume"))
        }
        let model = try Classifier(contentsOf: run.modelURL)
        XCTAssertEqual(model.metadata["epoch"], "2")
    }

    /// Fine-tuning starts from the given weights (the moving average too), not from the seed's, and refuses
    /// another architecture's network.
    func testStartFromTrainedWeights() throws {
        let data = Self.bars(200)
        var options = TrainingOptions(architecture: .mlp, epochs: 10, seed: 3, threads: 1, validationCount: 50)
        options.recipe.emaDecay = 0.99
        var teacher = Trainer(options: options, data: data)
        for _ in 0..<10 { _ = teacher.trainEpoch() }  // 20 steps of SGD
        let trained = teacher.evaluationNetwork

        var student = Trainer(options: TrainingOptions(architecture: .mlp, epochs: 1, seed: 4, threads: 1,
                                                       validationCount: 50), data: data)
        XCTAssertFalse(weights(student) == trained.namedTensors.flatMap(\.1.data))
        try student.start(from: trained, name: "teacher.safetensors")
        XCTAssertTrue(weights(student) == trained.namedTensors.flatMap(\.1.data))
        let x = data.tensor(Array(0..<20))
        XCTAssertEqual(student.evaluationNetwork.probabilities(x).data, trained.probabilities(x).data)
        // One more epoch from there keeps what the teacher learned.
        let record = student.trainEpoch()!
        XCTAssertGreaterThan(record.validationAccuracy, 0.9)

        var other = Trainer(options: TrainingOptions(architecture: .lenet, epochs: 1, validationCount: 50), data: data)
        XCTAssertThrowsError(try other.start(from: trained, name: "teacher.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("teacher.safetensors") && "\(error)".contains("mlp"), "\(error)")
        }
    }

    /// A short real training run on a slice of MNIST: the MLP must read the test set well after 2 epochs.
    func testShortMNISTTraining() throws {
        guard let path = ProcessInfo.processInfo.environment["DIGITS_DATA"] else { throw XCTSkip("DIGITS_DATA not set") }
        let set = DataSet(directory: URL(fileURLWithPath: path))
        let train = try set.training().slice(0..<30000), test = try set.test().slice(0..<2000)
        var trainer = Trainer(options: TrainingOptions(architecture: .mlp, epochs: 2, threads: 2, validationCount: 1000), data: train)
        let first = trainer.trainEpoch()!, second = trainer.trainEpoch()!
        XCTAssertLessThan(second.trainLoss, first.trainLoss)
        let net = trainer.evaluationNetwork
        let result = Evaluation(data: test) { net.probabilities($0, threads: 2) }
        XCTAssertGreaterThan(result.accuracy, 0.90, "MLP after 2 epochs on 29,000 images")
        XCTAssertEqual(result.confusion.total, 2000)
    }
}
