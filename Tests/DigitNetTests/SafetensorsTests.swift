@testable import DigitNet
import Foundation
import XCTest

final class SafetensorsTests: XCTestCase {
    let sample = Safetensors(tensors: [("b", Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, -6.5])),
                                       ("a", Tensor(shape: [1], data: [0.25]))],
                             metadata: ["architecture": "mlp", "epoch": "3"])

    func testRoundTripAndLayout() throws {
        let bytes = sample.encoded()
        let headerLength = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        XCTAssertEqual((8 + headerLength) % 8, 0, "data must start 8-byte aligned")
        let header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        let b = header["b"] as! [String: Any]
        XCTAssertEqual(b["dtype"] as? String, "F32")
        XCTAssertEqual(b["shape"] as? [Int], [2, 3])
        XCTAssertEqual(b["data_offsets"] as? [Int], [0, 24])
        // Little-endian float 1.0 is 00 00 80 3f.
        XCTAssertEqual(Array(bytes[(8 + headerLength)..<(12 + headerLength)]), [0, 0, 0x80, 0x3f])
        let back = try Safetensors(data: bytes, name: "x")
        XCTAssertEqual(back.tensors["b"], sample.tensors["b"])
        XCTAssertEqual(back.tensors["a"], sample.tensors["a"])
        XCTAssertEqual(back.metadata, sample.metadata)
        XCTAssertEqual(back.order, ["b", "a"])
    }

    /// Weights that are not finite, tensors that overlap or leave bytes unused, and absurd metadata are refused
    /// with the reason, before anything runs on them.
    func testDamagedModelsAreRefused() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "accepted" } catch { return "\(error)" }
        }
        let nan = Safetensors(tensors: [("w", Tensor(shape: [2], data: [1, .nan]))], metadata: [:]).encoded()
        XCTAssertTrue(message { _ = try Safetensors(data: nan, name: "n") }.contains("not finite"))
        let inf = Safetensors(tensors: [("w", Tensor(shape: [2], data: [.infinity, 1]))], metadata: [:]).encoded()
        XCTAssertTrue(message { _ = try Safetensors(data: inf, name: "i") }.contains("not finite"))
        // Point both tensors at the same bytes.
        var bytes = sample.encoded()
        let headerLength = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        var header = String(decoding: bytes.subdata(in: 8..<(8 + headerLength)), as: UTF8.self)
        header = header.replacingOccurrences(of: "[24,28]", with: "[20,24]")
        bytes.replaceSubrange(8..<(8 + headerLength), with: Data(header.utf8))
        XCTAssertTrue(message { _ = try Safetensors(data: bytes, name: "o") }.contains("does not start where the one before ends")
                      || message { _ = try Safetensors(data: bytes, name: "o") }.contains("no tensor uses"))

        var file = Classifier(members: [Architecture.mlp.build(seed: 1)]).safetensors()
        file.metadata["normalization_std"] = "0"
        XCTAssertTrue(message { _ = try Classifier(file, name: "s") }.contains("the std must be a positive number"))

        var trainer = Trainer(options: TrainingOptions(architecture: .mlp, epochs: 1), data:
            LabeledImages(rows: 28, columns: 28, pixels: [UInt8](repeating: 0, count: 4 * 784), labels: [0, 1, 2, 3]))
        var checkpoint = trainer.checkpoint()
        checkpoint.metadata["epoch"] = "-5"
        let restored = message { try trainer.restore(from: checkpoint, name: "c") }
        XCTAssertTrue(restored.contains("neither can be negative"), restored)
    }

    func testTruncatedAndCorruptFilesAreClearErrors() {
        let bytes = sample.encoded()
        for cut in [0, 5, 8, 20, bytes.count - 1] {
            XCTAssertThrowsError(try Safetensors(data: bytes.prefix(cut), name: "m.safetensors")) { error in
                XCTAssertTrue("\(error)".hasPrefix("m.safetensors: "), "\(error)")
            }
        }
        var garbage = bytes
        garbage[12] = 0x7b  // '{' in the middle of the JSON
        garbage[13] = 0x7b
        XCTAssertThrowsError(try Safetensors(data: garbage, name: "m")) { error in
            XCTAssertTrue("\(error)".contains("not a valid safetensors file"), "\(error)")
        }
        // Another kind of model file is named as what it is.
        XCTAssertThrowsError(try Safetensors(data: Data([0x08, 0x07, 0x12, 0x05]) + Data("digits".utf8), name: "m.onnx")) { error in
            XCTAssertEqual("\(error)", "m.onnx: not a model file digits reads (it looks like an ONNX model, as `digits export` writes); digits runs the .safetensors models that `digits train` writes")
        }
        var huge = Data(repeating: 0xff, count: 8)
        huge.append(bytes.suffix(from: 8))
        XCTAssertThrowsError(try Safetensors(data: huge, name: "m")) { error in
            XCTAssertTrue("\(error)".contains("absurd"), "\(error)")
        }
    }
}
