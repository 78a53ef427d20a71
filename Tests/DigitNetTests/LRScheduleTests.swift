@testable import DigitNet
import XCTest

final class LRScheduleTests: XCTestCase {
    func testStepAndExponential() {
        let step = LRSchedule.step(base: 0.1, every: 3, gamma: 0.5)
        XCTAssertEqual(step.rate(progress: 2.9, totalEpochs: 10), 0.1)
        XCTAssertEqual(step.rate(progress: 3.0, totalEpochs: 10), 0.05)
        XCTAssertEqual(step.rate(progress: 6.5, totalEpochs: 10), 0.025)
        let exp = LRSchedule.exponential(base: 1e-3, gamma: 0.98)
        XCTAssertEqual(exp.rate(progress: 0.5, totalEpochs: 10), 1e-3)
        XCTAssertEqual(exp.rate(progress: 2.2, totalEpochs: 10), 1e-3 * 0.98 * 0.98, accuracy: 1e-9)
    }

    func testOneCycleRisesThenFalls() {
        let s = LRSchedule.oneCycle(maxRate: 1)
        XCTAssertEqual(s.rate(progress: 0, totalEpochs: 20), 1.0 / 25, accuracy: 1e-6)
        XCTAssertEqual(s.rate(progress: 5, totalEpochs: 20), 1, accuracy: 1e-6)
        XCTAssertEqual(s.rate(progress: 20, totalEpochs: 20), 1e-4, accuracy: 1e-7)
        let rates = stride(from: 0.0, through: 20, by: 0.5).map { s.rate(progress: $0, totalEpochs: 20) }
        let peak = rates.firstIndex(of: rates.max()!)!
        XCTAssertEqual(peak, 10)
        XCTAssertEqual(Array(rates[...peak]), rates[...peak].sorted())
        XCTAssertEqual(Array(rates[peak...]), rates[peak...].sorted(by: >))
    }
}
