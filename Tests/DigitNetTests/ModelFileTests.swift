@testable import DigitNet
import Foundation
import XCTest

final class ModelFileTests: XCTestCase {
    func testSaveLoadGivesIdenticalPredictions() throws {
        let net = Architecture.lenet.build(seed: 3)
        let x = GradientCheck.random([4, 1, 28, 28], seed: 1)
        let file = Classifier(members: [net], metadata: ["epoch": "2"]).safetensors()
        let loaded = try Classifier(Safetensors(data: file.encoded(), name: "m"), name: "m")
        XCTAssertEqual(loaded.architecture, "lenet")
        XCTAssertEqual(loaded.metadata["epoch"], "2")
        XCTAssertEqual(loaded.probabilities(x), net.probabilities(x))
    }

    func testEnsembleAveragesMembers() throws {
        let a = Architecture.mlp.build(seed: 1), b = Architecture.mlp.build(seed: 2)
        let x = GradientCheck.random([3, 1, 28, 28], seed: 4)
        let file = Classifier(members: [a, b]).safetensors()
        let loaded = try Classifier(Safetensors(data: file.encoded(), name: "m"), name: "m")
        XCTAssertEqual(loaded.members.count, 2)
        let pa = a.probabilities(x), pb = b.probabilities(x), p = loaded.probabilities(x)
        for i in p.data.indices { XCTAssertEqual(p.data[i], (pa.data[i] + pb.data[i]) / 2, accuracy: 1e-6) }
    }

    /// A row the first member reads at `soleAt` or more is its reading; a row that the mean of the first two
    /// gives one class at `settledAt` or more is that mean; every other row is the mean of all three.
    func testSureRowsSkipTheMembersThatCannotChangeThem() throws {
        // Peaky outputs: the last layer's weights scaled up, so many rows are read surely. The second member is
        // the first one peakier, so that the two often agree and settle a row the first alone does not.
        func peaky(_ scale: Float) -> Network {
            var n = Architecture.mlp.build(seed: 1)
            n.visitParameters { name, p in if name.hasPrefix("layers.7.") { p.value.data = p.value.data.map { $0 * scale } } }
            return n
        }
        let a = peaky(60), b = peaky(90), c = Architecture.mlp.build(seed: 3)
        let x = GradientCheck.random([80, 1, 28, 28], seed: 6)
        let ensemble = Classifier(members: [a, b, c])
        let fast = ensemble.probabilities(x), full = ensemble.probabilities(x, allMembers: true)
        let pa = a.probabilities(x), pb = b.probabilities(x), pc = c.probabilities(x)
        var sole = 0, settled = 0, all = 0
        for i in 0..<80 {
            let mean = (0..<10).map { (pa.data[i * 10 + $0] + pb.data[i * 10 + $0] + pc.data[i * 10 + $0]) / 3 }
            let pair = (0..<10).map { (pa.data[i * 10 + $0] + pb.data[i * 10 + $0]) / 2 }
            for j in 0..<10 { XCTAssertEqual(full.data[i * 10 + j], mean[j], accuracy: 1e-5) }
            let expected: [Float]
            if pa.row(i).top.value >= Classifier.soleAt {
                (expected, sole) = (Array(pa.row(i)), sole + 1)
            } else if pair.max()! >= Classifier.settledAt {
                (expected, settled) = (pair, settled + 1)
                // Settled: the third member could not have changed the class.
                XCTAssertEqual(pair.firstIndex(of: pair.max()!), mean.firstIndex(of: mean.max()!), "row \(i)")
            } else {
                (expected, all) = (mean, all + 1)
            }
            for j in 0..<10 { XCTAssertEqual(fast.data[i * 10 + j], expected[j], accuracy: 1e-5, "row \(i)") }
        }
        XCTAssertGreaterThan(sole, 3)
        XCTAssertGreaterThan(settled, 3)
        XCTAssertGreaterThan(all, 3)
    }

    /// Joining models flattens their members in order; another architecture or normalisation is refused,
    /// naming the file.
    func testJoiningModelsIntoAnEnsemble() throws {
        let a = Architecture.mlp.build(seed: 1), b = Architecture.mlp.build(seed: 2), c = Architecture.mlp.build(seed: 3)
        let x = GradientCheck.random([2, 1, 28, 28], seed: 5)
        let joined = try Classifier(ensembleOf: [Classifier(members: [a]), Classifier(members: [b, c])],
                                    names: ["a", "bc"])
        XCTAssertEqual(joined.members.count, 3)
        XCTAssertEqual(joined.members[2].probabilities(x), c.probabilities(x))

        XCTAssertThrowsError(try Classifier(ensembleOf: [Classifier(members: [a]),
                                                         Classifier(members: [Architecture.lenet.build(seed: 1)])],
                                            names: ["a.safetensors", "lenet.safetensors"])) { error in
            XCTAssertEqual("\(error)", "lenet.safetensors: the model is lenet, not mlp")
        }
        var other = b
        other.normalization = InputNormalization(mean: 0.5, std: 0.5)
        XCTAssertThrowsError(try Classifier(ensembleOf: [Classifier(members: [a]), Classifier(members: [other])],
                                            names: ["a", "scaled.safetensors"])) { error in
            XCTAssertTrue("\(error)".hasPrefix("scaled.safetensors:"), "\(error)")
        }
    }

    func testWrongArchitectureAndForeignFilesAreClearErrors() throws {
        var file = Classifier(members: [Architecture.mlp.build(seed: 1)]).safetensors()
        file.metadata["architecture"] = "lenet"
        XCTAssertThrowsError(try Classifier(file, name: "x.safetensors")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.safetensors: tensor 'layers.0.weight'"), "\(error)")
        }
        file.metadata["architecture"] = "resnet"
        XCTAssertThrowsError(try Classifier(file, name: "x")) { error in
            XCTAssertTrue("\(error)".contains("unknown architecture 'resnet'"), "\(error)")
        }
        let foreign = Safetensors(tensors: [("w", Tensor(zeros: [2]))], metadata: [:])
        XCTAssertThrowsError(try Classifier(foreign, name: "x")) { error in
            XCTAssertTrue("\(error)".contains("not a digits model"), "\(error)")
        }
    }
}
