@testable import DigitNet
import XCTest

final class CalibrationTests: XCTestCase {
    /// Overconfident probabilities get a temperature above 1, which lowers the loss and changes no reading.
    func testTemperatureTamesOverconfidence() {
        // Ten items read with 0.99 of which only seven are right.
        var p = [Float](), labels = [UInt8]()
        for i in 0..<10 {
            p += [0.99, 0.01]
            labels.append(i < 7 ? 0 : 1)
        }
        let probabilities = Tensor(shape: [10, 2], data: p)
        let t = Calibration.temperature(probabilities, labels: labels)
        XCTAssertGreaterThan(t, 1.5)
        let scaled = Calibration.scaled(probabilities, temperature: t)
        // The calibrated confidence is about the share right (0.7).
        XCTAssertEqual(Double(scaled.data[0]), 0.7, accuracy: 0.02)
        XCTAssertLessThan(Calibration.loss(probabilities, labels: labels, temperature: t),
                          Calibration.loss(probabilities, labels: labels, temperature: 1))
        XCTAssertEqual(scaled.row(3).top.index, 0)
        XCTAssertEqual(Double(scaled.row(3).reduce(0, +)), 1, accuracy: 1e-5)
    }

    /// A classifier's temperature is saved with it and applied to every reading.
    func testClassifierKeepsItsTemperature() throws {
        var c = Classifier(members: [Architecture.mlp.build(seed: 1)])
        let x = Tensor(shape: [2, 1, 28, 28], data: (0..<1568).map { Float($0 % 7) / 7 })
        let plain = c.probabilities(x)
        c.temperature = 2
        let loaded = try Classifier(c.safetensors(), name: "t")
        XCTAssertEqual(loaded.temperature, 2)
        XCTAssertEqual(loaded.probabilities(x).data, Calibration.scaled(plain, temperature: 2).data)
    }

    /// A widened network keeps its digits' outputs; the new class starts improbable.
    func testWidenedNetworkKeepsItsClasses() throws {
        let net = Architecture.lenet.build(seed: 4)
        let wide = try XCTUnwrap(net.widened(to: 11))
        XCTAssertEqual(wide.classes, 11)
        let x = Tensor(shape: [3, 1, 28, 28], data: (0..<(3 * 784)).map { Float($0 % 11) / 11 })
        let p = net.probabilities(x), q = wide.probabilities(x)
        for i in 0..<3 {
            XCTAssertEqual(p.row(i).top.index, q.row(i).top.index)
            XCTAssertLessThan(q.row(i).last!, 0.01)
        }
    }
}
