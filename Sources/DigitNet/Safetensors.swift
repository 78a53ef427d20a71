import Foundation

/// Errors reading a safetensors file; each names the file.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(String, String)
    case truncated(String)
    case badHeader(String, String)
    /// Not safetensors at all; what it looks like instead, if known.
    case notSafetensors(String, String?)
    case missingTensor(String, String)
    case shapeMismatch(String, String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .unreadable(f, why): return "\(f): cannot read: \(why)"
        case let .truncated(f): return "\(f): truncated safetensors file"
        case let .badHeader(f, why): return "\(f): not a valid safetensors file: \(why)"
        case let .notSafetensors(f, kind):
            return "\(f): not a model file digits reads" + (kind.map { " (it looks like \($0))" } ?? "")
                + "; digits runs the .safetensors models that `digits train` writes"
        case let .missingTensor(f, n): return "\(f): tensor '\(n)' is missing"
        case let .shapeMismatch(f, n, e, found):
            return "\(f): tensor '\(n)' has shape \(found), expected \(e) (a file for another architecture?)"
        }
    }
}

/// The safetensors format: 8-byte little-endian header length, a JSON header naming each tensor's dtype,
/// shape and byte range, then the raw little-endian data. Only F32 tensors are used here.
public struct Safetensors: Sendable {
    public var tensors: [String: Tensor]
    public var metadata: [String: String]
    /// Tensor names in file order (the order they were written in).
    public var order: [String]

    public init(tensors: [(String, Tensor)], metadata: [String: String]) {
        self.tensors = Dictionary(tensors, uniquingKeysWith: { a, _ in a })
        self.order = tensors.map(\.0)
        self.metadata = metadata
    }

    /// The file's bytes.
    public func encoded() -> Data {
        var header = [String: Any]()
        var offset = 0
        for name in order {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]]
            offset += 4 * t.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        while (json.count + 8) % 8 != 0 { json.append(0x20) }  // pad with spaces to align the data
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for name in order {
            tensors[name]!.data.withUnsafeBufferPointer { p in
                // x86-64 and arm64 are little-endian, the format's byte order.
                out.append(UnsafeBufferPointer(start: UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                               count: p.count * 4))
            }
        }
        return out
    }

    /// Writes atomically: a temporary file in the same folder, then a rename.
    public func write(to url: URL) throws {
        try encoded().write(to: url, options: .atomic)
    }

    /// Reads and validates a file.
    public init(contentsOf url: URL) throws {
        let name = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SafetensorsError.unreadable(name, (error as NSError).localizedDescription)
        }
        try self.init(data: data, name: name)
    }

    /// What a file that is not safetensors looks like, from its first bytes.
    static func kind(_ data: Data) -> String? {
        let b = [UInt8](data.prefix(8))
        if b.starts(with: [0x89, 0x50, 0x4e, 0x47]) { return "a PNG image" }
        if b.starts(with: [0xff, 0xd8]) { return "a JPEG image" }
        if b.starts(with: [0x1f, 0x8b]) { return "a gzip file" }
        if b.starts(with: Array("%PDF".utf8)) { return "a PDF" }
        if b.starts(with: Array("PK".utf8)) { return "a zip file, as PyTorch and Keras save models" }
        if b.starts(with: [0x89, 0x48, 0x44, 0x46]) { return "an HDF5 file, as Keras saves models" }
        // ONNX: a protobuf ModelProto, whose first field is ir_version (field 1, varint).
        if b.first == 0x08 { return "an ONNX model, as `digits export` writes" }
        return nil
    }

    /// Parses and validates bytes; `name` is used in errors.
    public init(data: Data, name: String) throws {
        guard data.count >= 8 else { throw SafetensorsError.truncated(name) }
        // A safetensors header is JSON right after its 8-byte length; say what the file is instead, if known.
        guard data.count > 8, data[data.startIndex + 8] == UInt8(ascii: "{") else {
            throw SafetensorsError.notSafetensors(name, Self.kind(data))
        }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= 100_000_000 else { throw SafetensorsError.badHeader(name, "header length \(headerLength) is absurd") }
        guard UInt64(data.count) >= 8 + headerLength else { throw SafetensorsError.truncated(name) }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw SafetensorsError.badHeader(name, "header is not a JSON object")
        }
        let body = data.subdata(in: (8 + Int(headerLength))..<data.count)
        var tensors = [(String, Tensor, Int)]()
        var meta = [String: String]()
        for (key, value) in header {
            if key == "__metadata__" {
                guard let m = value as? [String: String] else { throw SafetensorsError.badHeader(name, "metadata is not a string map") }
                meta = m
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw SafetensorsError.badHeader(name, "entry '\(key)' is malformed") }
            guard dtype == "F32" else { throw SafetensorsError.badHeader(name, "tensor '\(key)' has dtype \(dtype), expected F32") }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }) else { throw SafetensorsError.badHeader(name, "tensor '\(key)' has a bad shape") }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (m, o) = acc.0.multipliedReportingOverflow(by: d); return (m, acc.1 || o)
            }
            guard !overflow, offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == count * 4 else {
                throw SafetensorsError.badHeader(name, "tensor '\(key)' has byte range \(offsets) for shape \(shape)")
            }
            guard offsets[1] <= body.count else { throw SafetensorsError.truncated(name) }
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBytes { dst in
                body.withUnsafeBytes { src in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offsets[0]..<offsets[1]]))
                }
            }
            guard values.allSatisfy(\.isFinite) else {
                throw SafetensorsError.badHeader(name, "tensor '\(key)' holds values that are not finite (NaN or infinity)")
            }
            tensors.append((key, Tensor(shape: shape, data: values), offsets[0]))
        }
        tensors.sort { $0.2 < $1.2 }
        // The tensors tile the data section: each starts where the one before ends, the last at its end.
        var end = 0
        for (key, t, start) in tensors {
            guard start == end else { throw SafetensorsError.badHeader(name, "tensor '\(key)' does not start where the one before ends (byte \(start), expected \(end))") }
            end = start + t.count * 4
        }
        guard end == body.count else { throw SafetensorsError.badHeader(name, "the data section holds \(body.count - end) bytes that no tensor uses") }
        self.init(tensors: tensors.map { ($0.0, $0.1) }, metadata: meta)
    }
}
