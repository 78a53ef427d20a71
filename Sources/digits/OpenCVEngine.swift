import DigitDNN
import DigitNet
import DigitVision
import Foundation

/// A model exported to ONNX and run by OpenCV's dnn module: an independent second engine for inference.
final class OpenCVEngine: @unchecked Sendable {
    private let net: OpaquePointer
    private let lock = NSLock()  // one cv::dnn::Net runs one forward pass at a time

    /// Exports `classifier` to a temporary ONNX file and loads it with OpenCV.
    init(_ classifier: Classifier) throws {
        let path = NSTemporaryDirectory() + "digits-\(getpid())-\(UUID().uuidString).onnx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(classifier.onnx()).write(to: URL(fileURLWithPath: path))
        var handle: OpaquePointer?
        var err = ds_error()
        try ScanErrorCheck.check(ds_onnx_load(path, &handle, &err), err)
        guard let handle else { throw ValidationErrorMessage("OpenCV could not load the exported model") }
        net = handle
    }

    deinit { ds_onnx_free(net) }

    /// Class probabilities for pixels [N, 1, 28, 28] in [0, 1], `batchSize` at a time.
    func probabilities(_ pixels: Tensor, batchSize: Int = 256) -> Tensor {
        lock.lock()
        defer { lock.unlock() }
        var out = [Float](repeating: 0, count: pixels.batch * 10)
        var start = 0
        while start < pixels.batch {
            let n = min(batchSize, pixels.batch - start)
            var err = ds_error()
            pixels.data.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { o in
                    _ = ds_onnx_run(net, x.baseAddress! + start * 784, Int32(n), o.baseAddress! + start * 10, 10, &err)
                }
            }
            start += n
        }
        return Tensor(shape: [pixels.batch, 10], data: out)
    }
}

/// Which implementation runs the network.
enum Engine {
    case digits(Classifier)
    case opencv(OpenCVEngine)

    func probabilities(_ pixels: Tensor, threads: Int) -> Tensor {
        switch self {
        case let .digits(c): return c.probabilities(pixels, batchSize: 256, threads: threads)
        case let .opencv(e): return e.probabilities(pixels)
        }
    }

    /// The class probabilities of each 28x28 sample, in one batched pass.
    func probabilityRows(_ samples: [[Float]], threads: Int) -> [[Float]] {
        guard !samples.isEmpty else { return [] }
        let p = probabilities(Tensor(shape: [samples.count, 1, 28, 28], data: samples.flatMap { $0 }), threads: threads)
        let classes = p.data.count / samples.count
        return (0..<samples.count).map { i in Array(p.data[(i * classes)..<((i + 1) * classes)]) }
    }

    /// The mean top-class probability over samples: how legible the network finds them.
    func meanConfidence(_ samples: [[Float]]) -> Double {
        guard !samples.isEmpty else { return 0 }
        let rows = probabilityRows(samples, threads: 1)
        return rows.reduce(0.0) { $0 + Double($1.max() ?? 0) } / Double(rows.count)
    }
}

/// Turns a shim error code into a thrown error with its message.
enum ScanErrorCheck {
    static func check(_ code: Int32, _ err: ds_error) throws {
        guard code != 0 else { return }
        var e = err
        throw ValidationErrorMessage(withUnsafeBytes(of: &e.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
    }
}
