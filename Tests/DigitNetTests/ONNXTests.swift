@testable import DigitNet
import DigitData
import DigitDNN
import Foundation
import XCTest

/// The exported ONNX graph, run by OpenCV's own importer and dnn module, computes what DigitNet computes.
final class ONNXTests: XCTestCase {
    /// 500 MNIST test images when available, else 500 random images.
    func images() throws -> Tensor {
        if let path = ProcessInfo.processInfo.environment["DIGITS_DATA"] {
            return try DataSet(directory: URL(fileURLWithPath: path)).test().slice(0..<500).allPixels
        }
        var rng = RandomSource(seed: 3)
        return Tensor(shape: [500, 1, 28, 28], data: (0..<(500 * 784)).map { _ in rng.uniform() < 0.2 ? rng.uniform() : 0 })
    }

    /// A network with its BatchNorm statistics set to something other than the identity.
    func network(_ a: Architecture) -> Network {
        var net = a.build(seed: 7)
        var rng = RandomSource(seed: 11)
        net.visitParameters { name, p in
            if name.hasSuffix("running_mean") { for i in p.value.data.indices { p.value.data[i] = 0.1 * rng.normal() } }
            if name.hasSuffix("running_var") { for i in p.value.data.indices { p.value.data[i] = 0.5 + rng.uniform() } }
            if name.hasSuffix(".bias") || (name.hasSuffix(".weight") && p.value.shape.count == 1) {
                for i in p.value.data.indices { p.value.data[i] += 0.1 * rng.normal() }
            }
        }
        return net
    }

    func runOpenCV(_ model: [UInt8], _ x: Tensor) throws -> Tensor {
        let path = NSTemporaryDirectory() + "model-\(UUID().uuidString).onnx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(model).write(to: URL(fileURLWithPath: path))
        var net: OpaquePointer?
        var err = ds_error()
        guard ds_onnx_load(path, &net, &err) == 0, let net else {
            throw NSError(domain: "onnx", code: 1, userInfo: [NSLocalizedDescriptionKey: withUnsafeBytes(of: &err.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }])
        }
        defer { ds_onnx_free(net) }
        var out = [Float](repeating: 0, count: x.batch * 10)
        let code = x.data.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { ds_onnx_run(net, i.baseAddress, Int32(x.batch), $0.baseAddress, 10, &err) } }
        XCTAssertEqual(code, 0, withUnsafeBytes(of: &err.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
        return Tensor(shape: [x.batch, 10], data: out)
    }

    func assertSame(_ ours: Tensor, _ theirs: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        var worst: Float = 0, argmaxDiffers = 0
        for i in 0..<ours.batch {
            let a = Array(ours.data[(i * 10)..<(i * 10 + 10)]), b = Array(theirs.data[(i * 10)..<(i * 10 + 10)])
            for k in 0..<10 { worst = max(worst, abs(a[k] - b[k])) }
            if a.indices.max(by: { a[$0] < a[$1] }) != b.indices.max(by: { b[$0] < b[$1] }) { argmaxDiffers += 1 }
        }
        XCTAssertLessThanOrEqual(worst, 1e-4, "\(what): largest difference", file: file, line: line)
        XCTAssertEqual(argmaxDiffers, 0, "\(what): predictions differ", file: file, line: line)
    }

    func testEveryArchitectureMatchesOpenCV() throws {
        let x = try images()
        for a in Architecture.allCases {
            let net = network(a)
            let classifier = Classifier(members: [net])
            for opset in a == .default ? [11, 13] : [13] {
                assertSame(classifier.probabilities(x, threads: 2), try runOpenCV(classifier.onnx(opset: opset), x), "\(a) opset \(opset)")
            }
        }
    }

    func testEnsembleExportsOneAveragingGraph() throws {
        let x = try images()
        let ensemble = Classifier(members: [network(.lenet), Architecture.lenet.build(seed: 99)])
        assertSame(ensemble.probabilities(x, threads: 2), try runOpenCV(ensemble.onnx(), x), "ensemble")
    }

    func testProtobufVarints() {
        var w = ProtoWriter()
        w.varint(300)
        XCTAssertEqual(w.bytes, [0xAC, 0x02])
        w = ProtoWriter()
        w.int(1, -1)
        XCTAssertEqual(w.bytes, [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }
}
