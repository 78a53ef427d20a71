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
