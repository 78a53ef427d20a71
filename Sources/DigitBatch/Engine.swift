import DigitDNN
import DigitNet
import DigitVision
import Foundation

/// Which implementation runs the network.
public enum EngineKind: String, CaseIterable, Sendable {
    /// The Swift CNN.
    case digits
    /// The model exported to ONNX and run by OpenCV's dnn module.
    case opencv
}

/// A classifier ready to run on one of the engines.
public enum Engine: Sendable {
    case digits(Classifier)
    case opencv(OpenCVEngine)

    /// `classifier` on the engine `kind`.
    public init(_ kind: EngineKind, _ classifier: Classifier) throws {
        switch kind {
        case .digits: self = .digits(classifier)
        case .opencv: self = .opencv(try OpenCVEngine(classifier))
        }
    }

    /// Class probabilities [N, 10] for pixels [N, 1, 28, 28] in [0, 1].
    public func probabilities(_ pixels: Tensor, threads: Int) throws -> Tensor {
        switch self {
        case let .digits(c): return c.probabilities(pixels, batchSize: 256, threads: threads)
        case let .opencv(e): return try e.probabilities(pixels)
        }
    }

    /// The class probabilities of each 28x28 sample, in one batched pass.
    public func probabilityRows(_ samples: [[Float]], threads: Int) throws -> [[Float]] {
        guard !samples.isEmpty else { return [] }
        let p = try probabilities(Tensor(shape: [samples.count, 1, 28, 28], data: samples.flatMap { $0 }), threads: threads)
        return (0..<samples.count).map { Array(p.row($0)) }
    }
}

/// A model exported to ONNX and run by OpenCV's dnn module: an independent second engine for inference.
public final class OpenCVEngine: @unchecked Sendable {
    private let net: OpaquePointer
    private let lock = NSLock()  // one cv::dnn::Net runs one forward pass at a time

    /// Exports `classifier` to a temporary ONNX file and loads it with OpenCV.
    public init(_ classifier: Classifier) throws {
        let path = NSTemporaryDirectory() + "digits-\(getpid())-\(UUID().uuidString).onnx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(classifier.onnx()).write(to: URL(fileURLWithPath: path))
        var handle: OpaquePointer?
        var err = ds_error()
        try ScanError.check(ds_onnx_load(path, &handle, &err), err)
        guard let handle else { throw BatchError.model("OpenCV could not load the exported model") }
        net = handle
    }

    deinit { ds_onnx_free(net) }

    /// Class probabilities for pixels [N, 1, 28, 28] in [0, 1], `batchSize` at a time; throws OpenCV's error.
    public func probabilities(_ pixels: Tensor, batchSize: Int = 256) throws -> Tensor {
        lock.lock()
        defer { lock.unlock() }
        var out = [Float](repeating: 0, count: pixels.batch * 10)
        var start = 0
        while start < pixels.batch {
            let n = min(batchSize, pixels.batch - start)
            var err = ds_error()
            let code = pixels.data.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { o in
                    ds_onnx_run(net, x.baseAddress! + start * 784, Int32(n), o.baseAddress! + start * 10, 10, &err)
                }
            }
            do { try ScanError.check(code, err) } catch { throw BatchError.model("OpenCV's dnn failed: \(error)") }
            start += n
        }
        return Tensor(shape: [pixels.batch, 10], data: out)
    }
}
