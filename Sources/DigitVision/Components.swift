import DigitImage
import DigitShim

/// A connected mark of ink: bounding box, pixel count and centroid, in image pixels.
public struct Component: Sendable, Equatable {
    public var label: Int32
    public var x: Int, y: Int, width: Int, height: Int
    public var area: Int
    public var cx: Double, cy: Double

    public var maxSide: Int { max(width, height) }
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
        let kept = raw.prefix(min(Int(count), capacity)).map {
            Component(label: $0.label, x: Int($0.x), y: Int($0.y), width: Int($0.width), height: Int($0.height),
                      area: Int($0.area), cx: $0.cx, cy: $0.cy)
        }
        return Components(labels: labels, components: kept, total: Int(count))
    }
}
