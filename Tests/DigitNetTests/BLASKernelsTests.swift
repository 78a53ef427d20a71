@testable import DigitNet
import Foundation
import XCTest

final class BLASKernelsTests: XCTestCase {
    /// Kernel sets are offered by what the CPU's flags say it runs, AVX-512 first.
    func testCandidatesFollowTheCPUFlags() {
        let avx512 = "processor\t: 0\nflags\t\t: fpu sse2 avx fma avx2 avx512f avx512dq avx512cd avx512bw avx512vl\n"
        XCTAssertEqual(BLASKernels.candidates(cpuinfo: avx512), ["SkylakeX", "Haswell"])
        XCTAssertEqual(BLASKernels.candidates(cpuinfo: "flags\t\t: fpu sse2 avx fma avx2\n"), ["Haswell"])
        XCTAssertEqual(BLASKernels.candidates(cpuinfo: "flags\t\t: fpu sse2 avx avx512f\n"), [])
        XCTAssertEqual(BLASKernels.candidates(cpuinfo: "model name\t: ARM\n"), [])
    }

    /// An inherited OPENBLAS_CORETYPE is timed with the rest, once, and a choice made under it is kept apart.
    func testInheritedCoreTypeIsOneOfTheCandidates() {
        let avx2 = "model name\t: EPYC\nflags\t\t: fpu sse2 avx fma avx2\n"
        XCTAssertEqual(BLASKernels.candidates(cpuinfo: avx2, inherited: "Haswell"), ["Haswell"])
        XCTAssertEqual(BLASKernels.candidates(cpuinfo: avx2, inherited: "Zen"), ["Haswell", "Zen"])
        XCTAssertEqual(BLASKernels.candidates(cpuinfo: "model name\t: ARM\n", inherited: "NEOVERSEN1"), ["NEOVERSEN1"])
        XCTAssertNotEqual(BLASKernels.signature(cpuinfo: avx2), BLASKernels.signature(cpuinfo: avx2, inherited: "Haswell"))
        XCTAssertNotEqual(BLASKernels.signature(cpuinfo: avx2, inherited: "Zen"),
                          BLASKernels.signature(cpuinfo: avx2, inherited: "Haswell"))
        let note = BLASKernels.overrideNote(choice: "SkylakeX", inherited: "Haswell",
                                            rates: [("SkylakeX", 216.6), ("Haswell", 120.2)])
        XCTAssertEqual(note, "digits: OpenBLAS's SkylakeX kernels run sgemm fastest on this CPU "
                       + "(GFLOP/s: SkylakeX 217, Haswell 120), so they replace OPENBLAS_CORETYPE=Haswell; "
                       + "DIGITS_KEEP_BLAS=1 keeps yours")
    }

    /// A choice is remembered per CPU: another CPU's line is kept, the same CPU's is replaced.
    func testChoiceIsRememberedPerCPU() throws {
        let file = URL(fileURLWithPath: NSTemporaryDirectory() + "blas-\(UUID().uuidString)/blas-kernels")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let a = BLASKernels.signature(cpuinfo: "model name\t: Xeon A\nflags\t\t: avx2 fma\n")
        let b = BLASKernels.signature(cpuinfo: "model name\t: Xeon A\nflags\t\t: avx2 fma avx512f\n")
        XCTAssertNotEqual(a, b)
        XCTAssertNil(BLASKernels.cached(in: file, signature: a))
        BLASKernels.remember("Haswell", signature: a, in: file)
        BLASKernels.remember("SkylakeX", signature: b, in: file)
        BLASKernels.remember("SkylakeX", signature: a, in: file)
        XCTAssertEqual(BLASKernels.cached(in: file, signature: a), "SkylakeX")
        XCTAssertEqual(BLASKernels.cached(in: file, signature: b), "SkylakeX")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8).split(separator: "\n").count, 2)
    }
}
