/// A segmentation-free reader of a written number: a convolutional network slides over a strip 28 pixels
/// high and gives, every 4 columns, probabilities over the ten digits and "blank"; CTC (`CTC`) trains it on
/// whole strings and reads them back (the likeliest labelling, `CTC.bestReading`). It needs no cut between digits, so digits that touch or
/// overlap are read as they were written, and a word, whose columns look like no digit, reads as nothing.
///
///     strip [N, 1, 28, W]
///     3x3 conv 32, BN, ReLU; 2x2 max pool          → [N, 32, 14, W/2]
///     3x3 conv 64, BN, ReLU; 2x2 max pool          → [N, 64, 7, W/4]
///     3x3 conv 64, BN, ReLU; 3x3 conv 64, BN, ReLU  → [N, 64, 7, W/4]
///     7x7 conv 128 (the whole height), BN, ReLU    → [N, 128, 1, W/4 − 6]
///     1x1 conv 11                                  → [N, 11, 1, T]   (T = W/4 − 6 frames, blank last)
///
/// Frame f sees about 50 strip columns (two digits and more) and is centred on column 4f + 14. A reader trained
/// on both phases (`frameStride` 2) also reads the strip without its first two columns and interleaves the two
/// sequences: a frame every 2 columns, so that two thin digits side by side (11, 71) have a blank between them.
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

    /// A freshly initialised reader, fixed by `seed`; without one every weight is zero, for weights read
    /// from a file.
    public static func build(seed: UInt64?) -> Network {
        var rng = RandomSource(seed: seed ?? 0)
        let he: WeightInit = seed == nil ? .zeros : .he
        func block(_ cin: Int, _ cout: Int, _ k: Int, padding: Int) -> [any Layer] {
            [Conv2D(cin, cout, kernel: k, padding: padding, bias: false, initialization: he, rng: &rng), BatchNorm(cout), ReLU()]
        }
        var layers = [any Layer]()
        layers += block(1, 32, 3, padding: 1) + [MaxPool(2)]
        layers += block(32, 64, 3, padding: 1) + [MaxPool(2)]
        layers += block(64, 64, 3, padding: 1) + block(64, 64, 3, padding: 1)
        layers += block(64, 128, 7, padding: 0) + [Dropout(0.2)]
        layers += [Conv2D(128, classes, kernel: 1, initialization: he, rng: &rng)]
        return Network(architecture: architecture, normalization: InputNormalization(mean: 0.1307, std: 0.3081),
                       layers: layers)
    }

    /// Columns between the frames it reads by: 2 for a reader trained on both phases (metadata `frame_stride`),
    /// else 4.
    public var frameStride: Int { metadata["frame_stride"] == "2" ? 2 : Self.stride }

    /// Frames of a strip `width` columns wide, one phase.
    public static func frames(width: Int) -> Int { width / 4 - 6 }

    /// Strip columns of frames `frames` as `read` numbers them (one every 2 columns, whatever the reader's
    /// stride): from the first one's centre − 2 to the last one's centre + 2.
    public static func columns(_ frames: Range<Int>) -> Range<Int> {
        (firstCenter + 2 * frames.lowerBound - 2)..<(firstCenter + 2 * (frames.upperBound - 1) + 2)
    }

    /// The strip without its first two columns: the second phase of the frames.
    static func shifted(_ s: (width: Int, pixels: [Float])) -> (width: Int, pixels: [Float]) {
        let w = max(1, s.width - 2)
        var px = [Float](repeating: 0, count: 28 * w)
        for y in 0..<28 { for x in 0..<w where x + 2 < s.width { px[y * w + x] = s.pixels[y * s.width + x + 2] } }
        return (w, px)
    }

    /// The two phases of n strips, [2n, C, 1, T] (the shifted ones last), as n sequences of 2T frames,
    /// [n, C, 1, 2T], alternating: frame 2f is the strip's frame f, 2f + 1 the shifted strip's.
    static func interleaved(_ x: Tensor) -> Tensor {
        let n = x.shape[0] / 2, c = x.shape[1], t = x.shape[3]
        var out = Tensor(zeros: [n, c, 1, 2 * t])
        for i in 0..<n {
            for k in 0..<c {
                for f in 0..<t {
                    out.data[(i * c + k) * 2 * t + 2 * f] = x.data[(i * c + k) * t + f]
                    out.data[(i * c + k) * 2 * t + 2 * f + 1] = x.data[((n + i) * c + k) * t + f]
                }
            }
        }
        return out
    }

    /// The inverse of `interleaved`: [n, C, 1, 2T] → [2n, C, 1, T].
    static func deinterleaved(_ x: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1], t = x.shape[3] / 2
        var out = Tensor(zeros: [2 * n, c, 1, t])
        for i in 0..<n {
            for k in 0..<c {
                for f in 0..<t {
                    out.data[(i * c + k) * t + f] = x.data[(i * c + k) * 2 * t + 2 * f]
                    out.data[((n + i) * c + k) * t + f] = x.data[(i * c + k) * 2 * t + 2 * f + 1]
                }
            }
        }
        return out
    }

    /// Reads strips (28 rows each, ink bright in [0, 1], of any widths ≥ 28): each batch is padded on the
    /// right to its widest strip with blank columns, which read as blank.
    public func read(_ strips: [(width: Int, pixels: [Float])], threads: Int = 1) -> [[CTC.Label]] {
        var out = [[CTC.Label]](repeating: [], count: strips.count)
        // Similar widths together: little padding.
        let order = strips.indices.sorted { strips[$0].width < strips[$1].width }
        let both = frameStride == 2
        var net = network
        var start = 0
        while start < order.count {
            var end = start + 1
            let narrowest = strips[order[start]].width
            while end < order.count && end - start < 64 && strips[order[end]].width <= narrowest * 5 / 4 + 8 { end += 1 }
            let group = order[start..<end].map { strips[$0] }
            var logits = net.forward(Self.batch(both ? group + group.map(Self.shifted) : group), PassContext(training: false, threads: threads))
            if both { logits = Self.interleaved(logits) }
            let p = CTC.probabilities(logits)
            let t = logits.shape[3], c = logits.shape[1]
            for (k, i) in order[start..<end].enumerated() {
                // Frames past the strip's own width see only padding.
                // Both phases: the strip's own frames and the (as many or one fewer) of the shifted strip.
                let phase = Self.frames(width: strips[i].width)
                let own = max(1, min(t, both ? phase + max(0, Self.frames(width: strips[i].width - 2)) : phase))
                let item = p.data[(k * c * t)..<((k + 1) * c * t)]
                let labels = CTC.bestReading(Array(item).framesPrefix(own, of: t, classes: c)[...], classes: c, frames: own)
                // Frames numbered every 2 columns, as `columns` reads them.
                out[i] = both ? labels : labels.map { l in
                    var l = l
                    l.frames = (2 * l.frames.lowerBound)..<(2 * (l.frames.upperBound - 1) + 1)
                    return l
                }
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
