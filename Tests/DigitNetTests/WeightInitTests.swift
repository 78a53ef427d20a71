@testable import DigitNet
import XCTest

final class WeightInitTests: XCTestCase {
    func std(_ v: [Float]) -> Float {
        let mean = v.reduce(0, +) / Float(v.count)
        return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(v.count)).squareRoot()
    }

    func testHeIsNormalWithZeroBiases() {
        var rng = RandomSource(seed: 1)
        let w = WeightInit.he.weights(40_000, fanIn: 200, rng: &rng)
        XCTAssertEqual(std(w), (2 / Float(200)).squareRoot(), accuracy: 0.002)
        XCTAssertEqual(WeightInit.he.biases(8, fanIn: 200, rng: &rng), [Float](repeating: 0, count: 8))
    }

    func testUniformStaysWithinOneOverRootFanIn() {
        var rng = RandomSource(seed: 2)
        let w = WeightInit.uniform.weights(40_000, fanIn: 100, rng: &rng)
        XCTAssertTrue(w.allSatisfy { abs($0) <= 0.1 })
        XCTAssertEqual(std(w), 0.1 / Float(3).squareRoot(), accuracy: 0.002)  // uniform on ±b: b/√3
        let b = WeightInit.uniform.biases(1_000, fanIn: 100, rng: &rng)
        XCTAssertTrue(b.allSatisfy { abs($0) <= 0.1 })
        XCTAssertGreaterThan(std(b), 0.04)
    }

    /// Layers take their starting values from the choice.
    func testLayersUseTheirInitialisation() {
        var rng = RandomSource(seed: 3)
        let dense = Dense(400, 50, initialization: .uniform, rng: &rng)
        XCTAssertTrue(dense.weight.value.data.allSatisfy { abs($0) <= 0.05 })
        XCTAssertNotEqual(dense.bias?.value.data.filter { $0 != 0 }.count, 0)
        let conv = Conv2D(4, 8, kernel: 5, initialization: .he, rng: &rng)
        XCTAssertEqual(std(conv.weight.value.data), (2 / Float(100)).squareRoot(), accuracy: 0.02)
        XCTAssertEqual(conv.bias?.value.data, [Float](repeating: 0, count: 8))
    }

    /// A network built to have its weights read from a file draws no random numbers: every weight is zero
    /// (BatchNorm's scales aside), where a seeded one has He-initialised weights.
    func testNetworksBuiltForLoadingStartAtZero() {
        for build in [{ Architecture.default.build(seed: $0, classes: 12) }, { LineReader.build(seed: $0) }] as [(UInt64?) -> Network] {
            var blank = build(nil), seeded = build(1)
            var weights = 0
            blank.visitParameters { name, p in
                guard name.hasSuffix("weight"), p.value.shape.count > 1 else { return }
                weights += 1
                XCTAssertTrue(p.value.data.allSatisfy { $0 == 0 }, name)
            }
            XCTAssertGreaterThan(weights, 5)
            var drawn = 0
            seeded.visitParameters { name, p in if p.value.shape.count > 1 && p.value.data.contains(where: { $0 != 0 }) { drawn += 1 } }
            XCTAssertEqual(drawn, weights)
        }
    }
}
