import Dispatch
import Foundation
import Synchronization

/// Worker threads for `parallel`, kept awake for a moment between jobs.
///
/// A training step hands the other core dozens of short jobs, a few hundred microseconds apart. Waking a
/// sleeping thread for each (as Dispatch does) costs tens of microseconds a time on a virtual machine; these
/// workers spin briefly after each job, so the next one starts at once, and sleep when no job comes.
/// One job runs at a time: a call made while another runs (from another thread, or nested) goes to Dispatch.
final class Workers: @unchecked Sendable {
    static let shared = Workers()

    /// How long a worker keeps looking for the next job before it sleeps.
    private static let spinSeconds = 200e-6

    private let running = Atomic<Bool>(false)
    /// Bumped for each job; idle workers spin on it, then sleep on `lock` until it changes.
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let lock = NSCondition()
    // The current job, read and written under `lock`.
    private var count = 0, next = 0
    private var body: ((Int) -> Void)?
    private var started = 0

    /// Runs `body(i)` for i in 0..<count on this thread and up to count − 1 workers; returns when all are done.
    func run(_ count: Int, _ body: (Int) -> Void) {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            withoutActuallyEscaping(body) { body in
                let job = Job(body: body)
                DispatchQueue.concurrentPerform(iterations: count) { job.body($0) }
            }
            return
        }
        defer { running.store(false, ordering: .releasing) }
        while started < count - 1 {
            started += 1
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "digits worker"
            thread.start()
        }
        withoutActuallyEscaping(body) { body in
            lock.lock()
            self.body = body; self.count = count; next = 0
            finished.store(0, ordering: .relaxed)
            let job = generation.add(1, ordering: .sequentiallyConsistent).newValue
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 { lock.broadcast() }
            lock.unlock()
            while runNext(of: job) { finished.add(1, ordering: .releasing) }
            while finished.load(ordering: .acquiring) < count {}
            lock.lock(); self.body = nil; lock.unlock()
        }
    }

    /// A job's body handed to Dispatch's threads. Bodies given to `parallel` write disjoint parts of their
    /// buffers by design (each takes its own slice), which the compiler cannot see.
    private struct Job: @unchecked Sendable {
        let body: (Int) -> Void
    }

    /// Claims the next index of job `job` and runs it; false when that job has none left. Not inlined, so
    /// that its reference to the body is gone when it returns (before the job counts as finished).
    @inline(never)
    private func runNext(of job: Int) -> Bool {
        lock.lock()
        guard generation.load(ordering: .relaxed) == job, next < count, let body else {
            lock.unlock()
            return false
        }
        let i = next
        next += 1
        lock.unlock()
        body(i)
        return true
    }

    private func work() {
        var seen = generation.load(ordering: .acquiring)
        while true {
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins & 1023 == 0, DispatchTime.now().uptimeNanoseconds > deadline {
                    lock.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen { lock.wait() }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    lock.unlock()
                }
            }
            seen = generation.load(ordering: .acquiring)
            while runNext(of: seen) { finished.add(1, ordering: .releasing) }
        }
    }
}
