import Foundation

/// Errors loading a model; each names the file.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    case notAModel(String, String)
    case unknownArchitecture(String, String)
    /// A model of one architecture where another was needed: file, found, wanted.
    case otherArchitecture(String, String, String)
    /// Ensemble members must share one input normalisation (the file stores one).
    case otherNormalization(String)

    public var description: String {
        switch self {
        case let .notAModel(f, why): return "\(f): not a digits model: \(why)"
        case let .unknownArchitecture(f, a):
            return "\(f): unknown architecture '\(a)' (known: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .otherArchitecture(f, found, wanted): return "\(f): the model is \(found), not \(wanted)"
        case let .otherNormalization(f): return "\(f): its input normalisation differs from the first model's"
        }
    }
}

extension Network {
    /// Sets every parameter from `tensors` under `prefix`, checking names and shapes.
    mutating func load(from file: Safetensors, prefix: String, name: String) throws {
        var failure: SafetensorsError?
        visitParameters { key, p in
            guard failure == nil else { return }
            guard let t = file.tensors[prefix + key] else { failure = .missingTensor(name, prefix + key); return }
            guard t.shape == p.value.shape else {
                failure = .shapeMismatch(name, prefix + key, expected: p.value.shape, found: t.shape); return
            }
            p.value = t
        }
        if let failure { throw failure }
    }

    /// Builds the network a file describes (metadata `architecture`) and loads its weights.
    static func loaded(from file: Safetensors, prefix: String, name: String) throws -> Network {
        guard let arch = file.metadata["architecture"] else { throw ModelFileError.notAModel(name, "no architecture in metadata") }
        var net: Network
        if arch == LineReader.architecture {
            net = LineReader.build(seed: nil)
        } else {
            guard let a = Architecture(rawValue: arch) else { throw ModelFileError.unknownArchitecture(name, arch) }
            let classes = Int(file.metadata["classes"] ?? "10") ?? 10
            guard (2...64).contains(classes) else { throw ModelFileError.notAModel(name, "bad class count") }
            net = a.build(seed: nil, classes: classes)
        }
        try net.load(from: file, prefix: prefix, name: name)
        if let m = file.metadata["normalization_mean"].flatMap(Float.init),
           let s = file.metadata["normalization_std"].flatMap(Float.init) {
            guard m.isFinite, s.isFinite, s > 0 else {
                throw ModelFileError.notAModel(name, "input normalisation mean \(m), std \(s): the std must be a positive number")
            }
            net.normalization = InputNormalization(mean: m, std: s)
        }
        return net
    }
}

/// A trained model ready for inference: one network, or an ensemble whose class probabilities are averaged.
public struct Classifier: Sendable {
    public var members: [Network]
    /// Facts recorded with the weights: architecture, epoch, test_accuracy, ...
    public var metadata: [String: String]

    public init(members: [Network], metadata: [String: String] = [:]) {
        precondition(!members.isEmpty, "a classifier needs at least one network")
        self.members = members
        self.metadata = metadata
    }

    public var architecture: String { members[0].architecture }

    /// One ensemble of every member of `parts` (named by `names`, used in errors): all of one architecture
    /// and one input normalisation, since a model file records each once.
    public init(ensembleOf parts: [Classifier], names: [String], metadata: [String: String] = [:]) throws {
        precondition(!parts.isEmpty && parts.count == names.count)
        let first = parts[0].members[0]
        for (part, name) in zip(parts, names) {
            for net in part.members {
                guard net.architecture == first.architecture else {
                    throw ModelFileError.otherArchitecture(name, net.architecture, first.architecture)
                }
                guard net.normalization == first.normalization else { throw ModelFileError.otherNormalization(name) }
            }
        }
        self.init(members: parts.flatMap(\.members), metadata: metadata)
    }

    /// A row the first member reads at least this surely is read by it alone; the other rows are the mean of
    /// the members that read them. This is not a bound (the other members could in principle outvote it), but
    /// on MNIST's test set, the synthetic benchmark and every real set the readings are the same as with every
    /// member reading every row, and most single digits of a scan are such rows.
    public static let soleAt: Float = 0.95

    /// A row whose mean over two or more members gives one class at least this much is settled: the members
    /// still to read it are skipped. With three members this is a bound on the class: after two, the third
    /// could raise another class to at most (2 × 0.1 + 1) / 3 = 0.4 and lower this one to no less than
    /// 2 × 0.9 / 3 = 0.6. Its confidence is the mean of the members that read it.
    public static let settledAt: Float = 0.9

    /// Averaged class probabilities for pixels [N, 1, 28, 28] in [0, 1]: rows the first member reads at
    /// least `soleAt` surely are its reading, rows settled (`settledAt`) after two or more members the mean of
    /// those, the others the mean of every member; `allMembers` reads every row with every member (fitting a
    /// temperature).
    public func probabilities(_ pixels: Tensor, batchSize: Int = 256, threads: Int = 1, allMembers: Bool = false) -> Tensor {
        var sum = members[0].probabilities(pixels, batchSize: batchSize, threads: threads)
        let n = sum.shape[0], k = sum.shape[1]
        var readBy = [Int](repeating: 1, count: n)
        var rest = (0..<n).filter { allMembers || sum.row($0).top.value < Self.soleAt }
        for net in members.dropFirst() where !rest.isEmpty {
            let p = net.probabilities(pixels.items(rest), batchSize: batchSize, threads: threads)
            for (r, i) in rest.enumerated() {
                for j in 0..<k { sum.data[i * k + j] += p.data[r * k + j] }
                readBy[i] += 1
            }
            if !allMembers { rest = rest.filter { sum.row($0).top.value < Self.settledAt * Float(readBy[$0]) } }
        }
        for i in 0..<n where readBy[i] > 1 {
            let share = 1 / Float(readBy[i])
            for j in 0..<k { sum.data[i * k + j] *= share }
        }
        return temperature == 1 ? sum : Calibration.scaled(sum, temperature: temperature)
    }

    /// The temperature the probabilities are scaled by (metadata `temperature`, set by `digits calibrate`):
    /// p ∝ p^(1/T), so that a reading's confidence is the share of such readings that are right.
    public var temperature: Float {
        get { metadata["temperature"].flatMap(Float.init).map { $0 > 0 && $0.isFinite ? $0 : 1 } ?? 1 }
        set { metadata["temperature"] = newValue == 1 ? nil : String(newValue) }
    }

    /// Member `number` (from 1) of an ensemble, or the one network of a single model when `number` is nil;
    /// `name` is used in errors.
    public func member(_ number: Int?, name: String) throws -> Network {
        guard members.count == 1 || number != nil else {
            throw ModelFileError.notAModel(name, "an ensemble of \(members.count) models; name one member")
        }
        let k = (number ?? 1) - 1
        guard members.indices.contains(k) else {
            throw ModelFileError.notAModel(name, "has no member \(k + 1) (it has \(members.count))")
        }
        return members[k]
    }

    /// The safetensors form: metadata `format` = digits-model, `architecture`, `members`, input normalisation.
    public func safetensors() -> Safetensors {
        var tensors = [(String, Tensor)]()
        for (k, net) in members.enumerated() {
            let prefix = members.count > 1 ? "member\(k)." : ""
            tensors += net.namedTensors.map { (prefix + $0.0, $0.1) }
        }
        var meta = metadata
        meta["format"] = "digits-model"
        meta["architecture"] = architecture
        meta["members"] = String(members.count)
        meta["classes"] = String(members[0].classes)
        meta["normalization_mean"] = String(members[0].normalization.mean)
        meta["normalization_std"] = String(members[0].normalization.std)
        return Safetensors(tensors: tensors, metadata: meta)
    }

    public func write(to url: URL) throws { try safetensors().write(to: url) }

    /// Loads a model file (single network or ensemble), validating every tensor.
    public init(contentsOf url: URL) throws {
        let file = try Safetensors(contentsOf: url)
        try self.init(file, name: url.path)
    }

    public init(_ file: Safetensors, name: String) throws {
        guard file.metadata["format"] == "digits-model" || file.metadata["format"] == "digits-checkpoint" else {
            throw ModelFileError.notAModel(name, "metadata has no format digits-model")
        }
        let count = Int(file.metadata["members"] ?? "1") ?? 0
        guard (1...64).contains(count) else { throw ModelFileError.notAModel(name, "bad member count") }
        var nets = [Network]()
        for k in 0..<count {
            nets.append(try Network.loaded(from: file, prefix: count > 1 ? "member\(k)." : "", name: name))
        }
        self.init(members: nets, metadata: file.metadata)
    }
}
