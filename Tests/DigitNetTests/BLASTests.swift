import COpenBLAS
@testable import DigitNet
import XCTest

final class BLASTests: XCTestCase {
    /// After `useSingleThreadedBLAS` has stopped OpenBLAS's idle workers, products are still right, and again
    /// when two threads are asked for (`digits bench` does) and OpenBLAS starts workers anew.
    func testProductsAfterTheWorkersAreStopped() {
        let n = 384
        var state: UInt64 = 12345
        func value() -> Float { state = state &* 6364136223846793005 &+ 1; return Float(Int(state >> 41) % 17 - 8) }
        let a = (0..<(n * n)).map { _ in value() }, b = (0..<(n * n)).map { _ in value() }
        var expected = [Float](repeating: 0, count: n * n)
        for i in 0..<n { for k in 0..<n { let x = a[i * n + k]; for j in 0..<n { expected[i * n + j] += x * b[k * n + j] } } }
        func product() -> [Float] {
            var c = [Float](repeating: 0, count: n * n)
            gemm(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n)
            return c
        }
        useSingleThreadedBLAS()
        XCTAssertEqual(product(), expected)  // small integers: every sum is exact
        openblas_set_num_threads(2)
        defer { useSingleThreadedBLAS() }
        XCTAssertEqual(product(), expected)
    }
}
