/// Runs `body(t)` for t in 0..<threads on separate threads and waits for all of them.
/// Each layer splits its batch (or its channels) statically over the threads, so results depend only on
/// the thread count, never on timing.
@inline(__always)
func parallel(_ threads: Int, _ body: (Int) -> Void) {
    if threads <= 1 {
        body(0)
    } else {
        Workers.shared.run(threads, body)
    }
}

/// The `t`-th of `parts` contiguous slices of 0..<count (slices differ in size by at most one).
@inlinable
public func slice(_ count: Int, part t: Int, of parts: Int) -> Range<Int> {
    let base = count / parts, extra = count % parts
    let start = t * base + min(t, extra)
    return start..<(start + base + (t < extra ? 1 : 0))
}

/// An unsafe pointer that may cross into the closures of `parallel`; every thread writes a disjoint part.
struct SharedPointer: @unchecked Sendable {
    let p: UnsafeMutablePointer<Float>
    init(_ p: UnsafeMutablePointer<Float>) { self.p = p }
}

/// A buffer of results shared by concurrent workers, each of which writes only the slots it was given.
public struct UnsafeSlots<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    public init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
    public subscript(i: Int) -> T {
        get { buffer[i] }
        nonmutating set { buffer[i] = newValue }
    }
}
