import DigitDNN
import DigitNet
import DigitShim
import Foundation
import XCTest

/// OpenCV's dnn behind the C header: a model that loads runs, a file that is no model is an error with a
/// message, and a run asked for the wrong class count fails instead of writing past the buffer.
final class ONNXRunnerTests: XCTestCase {
    func message(_ err: ds_error) -> String {
        var e = err
        return withUnsafeBytes(of: &e.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    func testLoadRunAndRefuse() throws {
        let path = NSTemporaryDirectory() + "dnn-\(UUID().uuidString).onnx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Classifier(members: [Architecture.mlp.build(seed: 1)]).onnx()).write(to: URL(fileURLWithPath: path))
        var net: OpaquePointer?
        var err = ds_error()
        XCTAssertEqual(ds_onnx_load(path, &net, &err), Int32(DS_OK), message(err))
        let loaded = try XCTUnwrap(net)
        defer { ds_onnx_free(loaded) }
        let input = [Float](repeating: 0.2, count: 2 * 784)
        var out = [Float](repeating: -1, count: 2 * 10)
        XCTAssertEqual(ds_onnx_run(loaded, input, 2, &out, 10, &err), Int32(DS_OK), message(err))
        XCTAssertEqual(Double(out[0..<10].reduce(0, +)), 1, accuracy: 1e-4)
        var small = [Float](repeating: 0, count: 2 * 3)
        XCTAssertNotEqual(ds_onnx_run(loaded, input, 2, &small, 3, &err), Int32(DS_OK))

        let junk = NSTemporaryDirectory() + "junk-\(UUID().uuidString).onnx"
        defer { try? FileManager.default.removeItem(atPath: junk) }
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: junk))
        var none: OpaquePointer?
        XCTAssertNotEqual(ds_onnx_load(junk, &none, &err), Int32(DS_OK))
        XCTAssertFalse(message(err).isEmpty)
    }
}
