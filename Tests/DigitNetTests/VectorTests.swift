@testable import DigitNet
import XCTest

final class VectorTests: XCTestCase {
    /// Whole 16x16 tiles and ragged edges on both sides, inside larger row strides.
    func testTransposeTurnsEveryValueOver() {
        for (rows, cols) in [(16, 16), (32, 112), (37, 21), (5, 40), (48, 7)] {
            let ldx = cols + 3, ldo = rows + 5
            let x = (0..<(rows * ldx)).map { Float($0) }
            var out = [Float](repeating: -1, count: cols * ldo)
            x.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { op in
                    Vector.transpose(xp.baseAddress!, rows: rows, cols: cols, ldx: ldx, into: op.baseAddress!, ldo: ldo)
                }
            }
            for j in 0..<cols {
                for i in 0..<ldo {
                    XCTAssertEqual(out[j * ldo + i], i < rows ? x[i * ldx + j] : -1, "\(rows)x\(cols) at (\(j), \(i))")
                }
            }
        }
    }
}
