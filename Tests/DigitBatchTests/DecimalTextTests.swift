@testable import DigitBatch
import Foundation
import XCTest

final class DecimalTextTests: XCTestCase {
    /// Four decimals exactly as the C formatter writes them: probabilities from floats, ties of every kind
    /// (exact in binary or not), large, negative and non-finite values.
    func testFourPlacesIsTheFormattersText() {
        var values: [Double] = [0, 1, 0.5, 0.03125, 0.96875, 0.00005, 0.00015, 1.00005, 0.12345, 0.99995, 0.999_949_999,
                                123_456.789_05, 99_999.999_95, 12_345.678_95, 1e12, 1e16, -0.0, -0.00001, -2.5, .nan, .infinity, -.infinity]
        var seed: UInt64 = 1
        for _ in 0..<20_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u = Double(seed >> 11) / Double(1 << 53)
            values.append(u)
            values.append(Double(Float(u)))
            values.append((u * 20_000).rounded() / 20_000 + (seed & 1 == 0 ? 0 : 1e-9))  // at or beside a tie
            values.append(((u * 2e9).rounded() + 1) / 20_000)  // ties among the large
        }
        for v in values {
            XCTAssertEqual(DecimalText.fourPlaces(v), String(format: "%.4f", v), "\(v)")
        }
    }
}
