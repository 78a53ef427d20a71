@testable import DigitNet
import Dispatch
import Foundation
import XCTest

final class WorkersTests: XCTestCase {
    /// Every index runs exactly once, whether the workers are spinning (calls back to back) or asleep
    /// (calls a millisecond apart), and with more parts than a previous call used.
    func testEachIndexRunsOnce() {
        for round in 0..<600 {
            let parts = 2 + round % 3
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: parts)
            counts.initialize(repeating: 0, count: parts)
            defer { counts.deallocate() }
            let shared = SharedCounts(p: counts)
            parallel(parts) { t in shared.p[t] += 1 }
            XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: parts)), [Int](repeating: 1, count: parts))
            if round % 100 == 99 { usleep(1_000) }
        }
    }

    /// Calls from several threads at once, and calls nested inside a job, still run every index once.
    func testConcurrentAndNestedCalls() {
        let total = Atomicish()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<200 {
                parallel(2) { _ in
                    parallel(2) { _ in total.add(1) }
                }
            }
        }
        XCTAssertEqual(total.value, 4 * 200 * 2 * 2)
    }
}

private struct SharedCounts: @unchecked Sendable { let p: UnsafeMutablePointer<Int> }

private final class Atomicish: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
