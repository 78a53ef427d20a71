import DigitImage
import DigitShim

/// Stage 6 settings: how a digit becomes an MNIST sample.
public struct SampleStyle: Sendable, Equatable {
    /// The digit's longer side is fitted to this (MNIST: 20).
    public var box = 20
    /// Output side (MNIST: 28).
    public var size = 28
    /// Where the centre of mass goes: MNIST's training images average (14.0, 14.0).
    public var center = 14.0
    /// Stroke width to bring strokes to, in output pixels (MNIST's median is about 2); 0 leaves them.
    public var stroke = 2.0
    /// Straighten slanted digits by image moments (MNIST itself is not deslanted, so off by default).
    public var deslant = false

    public init() {}
}

/// Stage 6: one region of a page → an MNIST-style sample.
public enum Normalizer {
    /// The sample (size·size floats in [0,1], ink bright) and the stroke width measured in page pixels.
    /// With `columns`, only the region's ink in those page columns counts: one digit of a mark that holds
    /// several touching ones.
    public static func sample(_ region: DigitRegion, lit: GrayImage, labels: [Int32], style: SampleStyle = SampleStyle(),
                              columns: Range<Int>? = nil) throws -> ([Float], Double) {
        var out = [Float](repeating: 0, count: style.size * style.size)
        var options = ds_digit_options(box: Int32(style.box), size: Int32(style.size), center_x: style.center,
                                       center_y: style.center, stroke: style.stroke, deslant: style.deslant ? 1 : 0,
                                       clip_x0: Int32(columns?.lowerBound ?? 0), clip_x1: Int32(columns?.upperBound ?? 0))
        var stroke = 0.0, err = ds_error()
        let b = region.box
        let code = lit.withView { v in
            labels.withUnsafeBufferPointer { l in
                region.labels.withUnsafeBufferPointer { wanted in
                    out.withUnsafeMutableBufferPointer { o in
                        ds_normalize_digit(v, l.baseAddress, Int32(b.x), Int32(b.y), Int32(b.width), Int32(b.height),
                                           wanted.baseAddress, Int32(wanted.count), &options, o.baseAddress, &stroke, &err)
                    }
                }
            }
        }
        try ScanError.check(code, err)
        return (out, stroke)
    }
}

extension Normalizer {
    /// The sample of everything inked on `image` (dark ink on light paper, as a clean rendering is), taken as
    /// one mark, or of its columns `columns` only: how synthetic training marks are made into samples by the
    /// same normalisation that pages go through. Nil when the image holds no ink.
    public static func sample(ofMark image: GrayImage, style: SampleStyle = SampleStyle(), columns: Range<Int>? = nil) throws -> [Float]? {
        let binary = try Threshold.ink(image, level: 128)
        let found = try Components.find(in: binary)
        let marks = found.components.filter { c in
            guard let columns else { return true }
            return c.x < columns.upperBound && c.x + c.width > columns.lowerBound
        }
        guard var box = marks.first.map({ $0.box }) else { return nil }
        for m in marks.dropFirst() { box = box.union(m.box) }
        let region = DigitRegion(box: box, labels: marks.map(\.label), area: marks.reduce(0) { $0 + $1.area }, line: 0, cell: nil)
        return try sample(region, lit: image, labels: found.labels, style: style, columns: columns).0
    }
}
