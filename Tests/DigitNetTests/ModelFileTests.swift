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

    /// Three members: rows the first reads all but certainly are its reading, rows the first two read alike and
    /// surely the mean of those two, the others the mean of all three; no row's likeliest class differs from what
    /// all three members read. (The later members read only some rows, a smaller batch: the last bits may differ.)
    func testSureRowsSkipTheThirdMember() throws {
        var a = Architecture.mlp.build(seed: 1)
        // Peaky outputs: the last layer's weights scaled up, so many rows are read at 0.99 or more.
        a.visitParameters { name, p in if name.hasPrefix("layers.7.") { p.value.data = p.value.data.map { $0 * 60 } } }
        let c = Architecture.mlp.build(seed: 3)
        let x = GradientCheck.random([40, 1, 28, 28], seed: 6)
        let ensemble = Classifier(members: [a, a, c])
        let fast = ensemble.probabilities(x), full = ensemble.probabilities(x, allMembers: true)
        let pa = a.probabilities(x), pc = c.probabilities(x)
        var skipped = 0, sole = 0
        for i in 0..<40 {
            XCTAssertEqual(fast.row(i).top.index, full.row(i).top.index, "row \(i)")
            if pa.row(i).top.value >= Classifier.soleAt {
                sole += 1
                XCTAssertEqual(Array(fast.row(i)), Array(pa.row(i)), "row \(i)")
            }
            if pa.row(i).top.value >= Classifier.agreement {
                skipped += 1
                for j in 0..<10 { XCTAssertEqual(fast.data[i * 10 + j], pa.data[i * 10 + j], accuracy: 1e-5) }
            } else {
                for j in 0..<10 { XCTAssertEqual(fast.data[i * 10 + j], (2 * pa.data[i * 10 + j] + pc.data[i * 10 + j]) / 3, accuracy: 1e-5) }
            }
        }
        XCTAssertGreaterThan(sole, 3)
        XCTAssertGreaterThan(skipped, sole)
        XCTAssertLessThan(skipped, 40)
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
