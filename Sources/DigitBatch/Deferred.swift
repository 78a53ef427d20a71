import Dispatch

/// A value worked out on another thread from the moment it is made; `value` waits for it. For one-off work
/// (a checksum, say) that need not hold up what comes first.
public final class Deferred<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchGroup()

    public init(_ work: @escaping @Sendable () -> T) {
        done.enter()
        DispatchQueue.global().async { [self] in
            result = work()
            done.leave()
        }
    }

    /// The value, once worked out.
    public var value: T {
        done.wait()
        // The group is left only once `work` has returned and its result is stored.
        guard let result else { preconditionFailure("Deferred: the work finished without a result") }
        return result
    }
}
