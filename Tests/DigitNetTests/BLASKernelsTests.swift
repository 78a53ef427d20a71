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
                                            rates: [("SkylakeX", 6066.6), ("Haswell", 4120.2)])
        XCTAssertEqual(note, "digits: OpenBLAS's SkylakeX kernels run the network fastest on this CPU "
                       + "(images/s: SkylakeX 6067, Haswell 4120), so they replace OPENBLAS_CORETYPE=Haswell; "
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

    /// OpenBLAS takes other kernels in place: the library names them afterwards, and products come out right
    /// with them (each set is restored at the end).
    func testKernelsReloadInPlace() throws {
        #if arch(x86_64) && os(Linux)
        let before = blasKernels, saved = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        defer {
            setenv("OPENBLAS_CORETYPE", before, 1)
            _ = BLASKernels.reload(before)
            if let saved { setenv("OPENBLAS_CORETYPE", saved, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
        }
        // Prescott's kernels (SSE3) run on every x86-64 CPU.
        let other = before.caseInsensitiveCompare("Prescott") == .orderedSame ? "Nehalem" : "Prescott"
        guard dlsym(nil, "gotoblas_dynamic_init") != nil else {
            throw XCTSkip("this OpenBLAS is built for one CPU: its kernels are chosen when it is built")
        }
        setenv("OPENBLAS_CORETYPE", other, 1)
        XCTAssertTrue(BLASKernels.reload(other))
        XCTAssertEqual(blasKernels.lowercased(), other.lowercased())
        let (m, n, k) = (37, 29, 53)
        let a = (0..<(m * k)).map { Float(($0 * 7) % 11) - 5 }, b = (0..<(k * n)).map { Float(($0 * 5) % 13) - 6 }
        var c = [Float](repeating: 0, count: m * n)
        gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                let want = (0..<k).reduce(Float(0)) { $0 + a[i * k + $1] * b[$1 * n + j] }
                XCTAssertEqual(c[i * n + j], want, "row \(i), column \(j)")
            }
        }
        #endif
    }

    /// A choice cached from a timing of other work (sgemm alone, as older versions timed it) is not taken: the
    /// kernels are timed again on the network, and that choice is remembered beside it.
    func testAChoiceFromAnotherTimingIsMadeAgain() throws {
        let cpu = "model name\t: EPYC\nflags\t\t: fpu sse2 avx fma avx2 avx512f avx512dq avx512bw avx512vl\n"
        let signature = BLASKernels.signature(cpuinfo: cpu)
        XCTAssertTrue(signature.hasSuffix(" network"), signature)
        let older = String(signature.dropLast(" network".count))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("blas-kernels-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try (older + "\tHaswell\n").write(to: file, atomically: true, encoding: .utf8)
        XCTAssertNil(BLASKernels.cached(in: file, signature: signature))
        BLASKernels.remember("SkylakeX", signature: signature, in: file)
        XCTAssertEqual(BLASKernels.cached(in: file, signature: signature), "SkylakeX")
        XCTAssertEqual(BLASKernels.cached(in: file, signature: older), "Haswell")
    }
}
