/// A segmentation-free reader of a written number: a convolutional network slides over a strip 28 pixels
/// high and gives, every 4 columns, probabilities over the ten digits and "blank"; CTC (`CTC`) trains it on
/// whole strings and reads them back (best path). It needs no cut between digits, so digits that touch or
/// overlap are read as they were written, and a word, whose columns look like no digit, reads as nothing.
///
///     strip [N, 1, 28, W]
///     3x3 conv 32, BN, ReLU; 2x2 max pool          → [N, 32, 14, W/2]
///     3x3 conv 64, BN, ReLU; 2x2 max pool          → [N, 64, 7, W/4]
///     3x3 conv 64, BN, ReLU; 3x3 conv 64, BN, ReLU  → [N, 64, 7, W/4]
///     7x7 conv 128 (the whole height), BN, ReLU    → [N, 128, 1, W/4 − 6]
///     1x1 conv 11                                  → [N, 11, 1, T]   (T = W/4 − 6 frames, blank last)
///
/// Frame f sees about 50 strip columns (two digits and more) and is centred on column 4f + 14.
public struct LineReader: Sendable {
    /// The name model files record for it.
    public static let architecture = "line"
    /// Ten digits and blank.
    public static let classes = 11
    /// Strip columns per frame, and the strip column frame 0 is centred on.
    public static let stride = 4, firstCenter = 14

    public var network: Network
    public var metadata: [String: String]

    public init(network: Network, metadata: [String: String] = [:]) {
        self.network = network
        self.metadata = metadata
    }

    /// A freshly initialised reader, fixed by `seed`.
    public static func build(seed: UInt64) -> Network {
        var rng = RandomSource(seed: seed)
        func block(_ cin: Int, _ cout: Int, _ k: Int, padding: Int) -> [any Layer] {
            [Conv2D(cin, cout, kernel: k, padding: padding, bias: false, rng: &rng), BatchNorm(cout), ReLU()]
        }
        var layers = [any Layer]()
        layers += block(1, 32, 3, padding: 1) + [MaxPool(2)]
        layers += block(32, 64, 3, padding: 1) + [MaxPool(2)]
        layers += block(64, 64, 3, padding: 1) + block(64, 64, 3, padding: 1)
        layers += block(64, 128, 7, padding: 0) + [Dropout(0.2)]
        layers += [Conv2D(128, classes, kernel: 1, rng: &rng)]
        return Network(architecture: architecture, normalization: InputNormalization(mean: 0.1307, std: 0.3081),
                       layers: layers)
    }

    /// Frames of a strip `width` columns wide.
    public static func frames(width: Int) -> Int { width / 4 - 6 }

    /// Strip columns of frames `frames`: from the first one's centre − 2 to the last one's centre + 2.
    public static func columns(_ frames: Range<Int>) -> Range<Int> {
        (firstCenter + stride * frames.lowerBound - stride / 2)..<(firstCenter + stride * (frames.upperBound - 1) + stride / 2)
    }

    /// Reads strips (28 rows each, ink bright in [0, 1], of any widths ≥ 28): each batch is padded on the
    /// right to its widest strip with blank columns, which read as blank.
    public func read(_ strips: [(width: Int, pixels: [Float])], threads: Int = 1) -> [[CTC.Label]] {
        var out = [[CTC.Label]](repeating: [], count: strips.count)
        // Similar widths together: little padding.
        let order = strips.indices.sorted { strips[$0].width < strips[$1].width }
        var net = network
        var start = 0
        while start < order.count {
            var end = start + 1
            let narrowest = strips[order[start]].width
            while end < order.count && end - start < 64 && strips[order[end]].width <= narrowest * 5 / 4 + 8 { end += 1 }
            let x = Self.batch(order[start..<end].map { strips[$0] })
            let logits = net.forward(x, PassContext(training: false, threads: threads))
            let p = CTC.probabilities(logits)
            let t = logits.shape[3], c = logits.shape[1]
            for (k, i) in order[start..<end].enumerated() {
                // Frames past the strip's own width see only padding.
                let own = max(1, min(t, Self.frames(width: strips[i].width)))
                let item = p.data[(k * c * t)..<((k + 1) * c * t)]
                out[i] = CTC.greedy(Array(item).framesPrefix(own, of: t, classes: c)[...], classes: c, frames: own)
            }
            start = end
        }
        return out
    }
}

extension LineReader {
    /// Strips as one batch [N, 1, 28, W]: padded on the right with blank columns to the widest (at least 28).
    public static func batch(_ strips: [(width: Int, pixels: [Float])]) -> Tensor {
        let w = max(28, strips.map(\.width).max() ?? 28)
        var x = [Float](repeating: 0, count: strips.count * 28 * w)
        for (k, s) in strips.enumerated() {
            for y in 0..<28 { for c in 0..<s.width { x[k * 28 * w + y * w + c] = s.pixels[y * s.width + c] } }
        }
        return Tensor(shape: [strips.count, 1, 28, w], data: x)
    }
}

extension Array where Element == Float {
    /// The first `own` frames of a [C][T] block.
    func framesPrefix(_ own: Int, of t: Int, classes c: Int) -> [Float] {
        guard own < t else { return self }
        var out = [Float]()
        out.reserveCapacity(c * own)
        for k in 0..<c { out += self[(k * t)..<(k * t + own)] }
        return out
    }
}

extension LineReader {
    /// The model-file form: one network, architecture `line`.
    public var classifier: Classifier { Classifier(members: [network], metadata: metadata) }

    /// Loads a reader written by `digits train-reader`; `name` is used in errors.
    public init(_ model: Classifier, name: String) throws {
        guard model.architecture == Self.architecture, model.members.count == 1 else {
            throw ModelFileError.otherArchitecture(name, model.architecture, Self.architecture)
        }
        self.init(network: model.members[0], metadata: model.metadata)
    }
}
