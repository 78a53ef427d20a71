import DigitImage
import DigitShim

/// A connected mark of ink: bounding box, pixel count and centroid, in image pixels.
public struct Component: Sendable, Equatable {
    public var label: Int32
    public var x: Int, y: Int, width: Int, height: Int
    public var area: Int
    public var cx: Double, cy: Double

    public var maxSide: Int { max(width, height) }
    public var box: Box { Box(x: x, y: y, width: width, height: height) }
}

/// Connected components of a binary image, with the label of every pixel.
public struct Components: Sendable {
    public var labels: [Int32]
    public var components: [Component]
    /// How many there were in all; more than `components.count` when the cap was reached.
    public var total: Int

    /// Labels the 8-connected marks; keeps at most `cap` (a page of noise could have millions).
    public static func find(in binary: GrayImage, cap: Int = 200_000) throws -> Components {
        var labels = [Int32](repeating: 0, count: binary.pixels.count)
        // Room for a typical page's marks; a second pass only when there are more.
        var capacity = min(cap, 2048)
        var raw = [ds_component](repeating: ds_component(), count: capacity)
        var count: Int32 = 0, err = ds_error()
        func label() -> Int32 {
            binary.withView { v in
                labels.withUnsafeMutableBufferPointer { l in
                    raw.withUnsafeMutableBufferPointer { ds_components(v, l.baseAddress, $0.baseAddress, Int32(capacity), &count, &err) }
                }
            }
        }
        try ScanError.check(label(), err)
        if Int(count) > capacity && capacity < cap {
            capacity = min(cap, Int(count))
            raw = [ds_component](repeating: ds_component(), count: capacity)
            try ScanError.check(label(), err)
        }
        return Components(labels: labels, components: kept(raw, count: Int(count)), total: Int(count))
    }

    /// The components of labels made already (1...count, 0 for none: `Threshold.inkComponents`); keeps at
    /// most `cap`, as `find` does.
    static func measured(labels: [Int32], width: Int, height: Int, count: Int, cap: Int = 200_000) throws -> Components {
        var raw = [ds_component](repeating: ds_component(), count: min(cap, count))
        var err = ds_error()
        let code = labels.withUnsafeBufferPointer { l in
            raw.withUnsafeMutableBufferPointer {
                ds_component_stats(l.baseAddress, Int32(width), Int32(height), Int32(count), $0.baseAddress, Int32($0.count), &err)
            }
        }
        try ScanError.check(code, err)
        return Components(labels: labels, components: kept(raw, count: count), total: count)
    }

    private static func kept(_ raw: [ds_component], count: Int) -> [Component] {
        raw.prefix(min(count, raw.count)).map {
            Component(label: $0.label, x: Int($0.x), y: Int($0.y), width: Int($0.width), height: Int($0.height),
                      area: Int($0.area), cx: $0.cx, cy: $0.cy)
        }
    }
}
