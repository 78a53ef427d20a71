@testable import DigitNet
import XCTest

final class VectorTests: XCTestCase {
    /// The 8x8 register tile turns its values over and touches nothing outside it.
    func testATileTurnsOver() {
        let x = (0..<(16 * 19)).map { Float($0) }  // 16 rows of 19
        var out = [Float](repeating: -1, count: 16 * 21)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in Vector.turn8(xp.baseAddress!, 19, into: op.baseAddress!, 21) }
        }
        for j in 0..<16 {
            for i in 0..<21 {
                XCTAssertEqual(out[j * 21 + i], i < 8 && j < 8 ? x[i * 19 + j] : -1, "at (\(j), \(i))")
            }
        }
    }

    /// Whole tiles and ragged edges on both sides, inside larger row strides.
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
