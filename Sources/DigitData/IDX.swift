import DigitNet
import Foundation

/// Errors reading IDX files; each names the file and says what is wrong.
public enum IDXError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case unreadable(String, String)
    case corrupt(String, String)
    case mismatch(String, String)

    public var description: String {
        switch self {
        case let .missing(f):
            return "\(f): file not found; `digits data fetch` downloads MNIST, or point --data or DIGITS_DATA at a folder of the IDX files"
        case let .unreadable(f, why): return "\(f): cannot read: \(why)"
        case let .corrupt(f, why): return "\(f): not a valid IDX file: \(why)"
        case let .mismatch(f, why): return "\(f): \(why)"
        }
    }
}

/// The IDX format of MNIST: a big-endian header (two zero bytes, a type byte, the rank, one 32-bit size per
/// axis) then the values. Only unsigned bytes (type 0x08) are used by digit data sets.
public enum IDX {
    /// The largest decompressed file accepted (MNIST's training images are 47 MB).
    public static let sizeLimit = 1 << 30

    /// Reads an IDX file, plain or gzip-compressed; returns its dimensions and values.
    public static func read(_ url: URL, rank expected: Int) throws -> (dims: [Int], values: [UInt8]) {
        let name = url.path
        guard FileManager.default.fileExists(atPath: name) else { throw IDXError.missing(name) }
        var data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw IDXError.unreadable(name, (error as NSError).localizedDescription)
        }
        if data.count >= 2, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b {
            data = try gunzip(data, limit: sizeLimit, name: name, expected: { head in
                // Header and values: 4 bytes, 4 per dimension, then the product of the dimensions.
                guard head.count >= 4 else { return nil }
                let rank = Int(head[head.startIndex + 3])
                guard head.count >= 4 + 4 * rank else { return nil }
                var size = 1
                for a in 0..<rank {
                    let o = head.startIndex + 4 + 4 * a
                    let d = Int(head[o]) << 24 | Int(head[o + 1]) << 16 | Int(head[o + 2]) << 8 | Int(head[o + 3])
                    let (m, overflow) = size.multipliedReportingOverflow(by: d)
                    if overflow { return Int.max }
                    size = m
                }
                return 4 + 4 * rank + size
            })
        }
        return try parse(data, rank: expected, name: name)
    }

    /// Parses IDX bytes; `name` is used in errors.
    public static func parse(_ data: Data, rank expected: Int, name: String) throws -> (dims: [Int], values: [UInt8]) {
        let bytes = [UInt8](data.prefix(4 + 4 * 8))
        guard bytes.count >= 4 else { throw IDXError.corrupt(name, "file is \(data.count) bytes, too short for a header") }
        guard bytes[0] == 0, bytes[1] == 0 else { throw IDXError.corrupt(name, "bad magic number") }
        guard bytes[2] == 0x08 else { throw IDXError.corrupt(name, String(format: "value type 0x%02x is not unsigned bytes (0x08)", bytes[2])) }
        let rank = Int(bytes[3])
        guard rank == expected else { throw IDXError.corrupt(name, "rank \(rank), expected \(expected)") }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw IDXError.corrupt(name, "header is truncated") }
        var dims = [Int]()
        for a in 0..<rank {
            let o = 4 + 4 * a
            dims.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        // Dimensions are at most 2^32 each; check their product against the bytes actually present before
        // allocating anything.
        var expectedCount = 1
        for d in dims {
            let (p, overflow) = expectedCount.multipliedReportingOverflow(by: d)
            guard !overflow, p <= sizeLimit else { throw IDXError.corrupt(name, "dimensions \(dims) are absurd") }
            expectedCount = p
        }
        let available = data.count - headerSize
        guard available == expectedCount else {
            throw IDXError.corrupt(name, "dimensions \(dims) need \(expectedCount) bytes of data, file has \(available)")
        }
        return (dims, [UInt8](data.suffix(from: data.startIndex + headerSize)))
    }

    /// Reads an image file ([N, rows, cols]) and its label file ([N]) into a labelled set, checking that the
    /// counts agree and that every label is below `classes`.
    public static func load(images: URL, labels: URL, classes: Int = 10) throws -> LabeledImages {
        let (dims, pixels) = try read(images, rank: 3)
        let (labelDims, labelValues) = try read(labels, rank: 1)
        guard dims[1] > 0, dims[2] > 0 else { throw IDXError.corrupt(images.path, "images of size \(dims[1])x\(dims[2])") }
        guard dims[0] == labelDims[0] else {
            throw IDXError.mismatch(labels.path, "holds \(labelDims[0]) labels but \(images.lastPathComponent) holds \(dims[0]) images")
        }
        if let bad = labelValues.firstIndex(where: { Int($0) >= classes }) {
            throw IDXError.mismatch(labels.path, "label \(labelValues[bad]) at index \(bad) is out of range 0...\(classes - 1)")
        }
        return LabeledImages(rows: dims[1], columns: dims[2], pixels: pixels, labels: labelValues)
    }
}

extension IDX {
    /// The header of an unsigned-byte IDX file with dimensions `dims`.
    public static func header(_ dims: [Int]) -> Data {
        var d = Data([0, 0, 0x08, UInt8(dims.count)])
        for v in dims { d.append(contentsOf: [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)]) }
        return d
    }
}
