@testable import DigitBatch
import Dispatch
import XCTest

final class DeferredTests: XCTestCase {
    /// The work starts when the value is made, on another thread (here it waits for a signal that this thread
    /// gives only after making it), and `value` hands over its result.
    func testWorkRunsAlongsideAndItsResultIsKept() {
        let go = DispatchSemaphore(value: 0)
        let deferred = Deferred { go.wait(timeout: .now() + 10) == .success ? 42 : -1 }
        go.signal()
        XCTAssertEqual(deferred.value, 42)
        XCTAssertEqual(deferred.value, 42)
    }
}
