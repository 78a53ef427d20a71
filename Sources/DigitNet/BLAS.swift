import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// C = alpha·op(A)·op(B) + beta·C, row-major, through OpenBLAS. op(A) is m×k, op(B) is k×n, C is m×n.
@inline(__always)
func gemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The largest product (M·N·K multiply-adds) OpenBLAS's small-matrix kernels take: they read the operands in
/// place instead of packing them, and ran such products up to twice as fast here. im2col blocks aim below it.
let smallProductLimit = 1_000_000

/// Limits OpenBLAS to one thread: `digits` splits batches over threads itself, which holds up better than
/// BLAS threads when the other core is busy.
public func useSingleThreadedBLAS() {
    openblas_set_num_threads(1)
    // The threaded OpenBLAS started its workers when it loaded; idle, they spin on sched_yield for about a
    // tenth of a second before sleeping, taking a core from the scan at the start of every run. Stop them
    // (the call exists only in the threaded builds).
    #if canImport(Glibc)
    if let stop = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") {
        _ = unsafeBitCast(stop, to: (@convention(c) () -> Int32).self)()
    }
    #endif
    #if os(Linux)
    // Activations are allocated and freed every step; keep freed blocks in the heap instead of returning them
    // to the system, so the next step does not pay page faults for fresh memory (glibc: M_MMAP_THRESHOLD = -3,
    // M_TRIM_THRESHOLD = -1).
    _ = glibcMallopt(-3, 512 << 20)
    _ = glibcMallopt(-1, 1 << 30)
    #endif
}

/// The name of the kernels OpenBLAS loaded (for example "Haswell", "SkylakeX", "Prescott").
public var blasKernels: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Per-thread accumulators of one gradient (Conv2D): each thread adds into its own slice, and the slices are summed
/// into the parameter in thread order, so the result depends on the thread count only, never on timing.
final class ThreadPartials: @unchecked Sendable {
    let size: Int
    let threads: Int
    private let base: UnsafeMutablePointer<Float>

    init(threads: Int, size: Int) {
        self.threads = threads; self.size = size
        base = UnsafeMutablePointer<Float>.allocate(capacity: max(1, threads * size))
        base.initialize(repeating: 0, count: threads * size)
    }

    deinit { base.deallocate() }

    /// Thread `t`'s accumulator.
    func part(_ t: Int) -> UnsafeMutablePointer<Float> { base + t * size }

    /// Adds every thread's sums into `target` (which holds `size` values).
    func add(into target: inout [Float]) {
        target.withUnsafeMutableBufferPointer { out in
            for t in 0..<threads {
                let src = base + t * size
                for i in 0..<size { out[i] += src[i] }
            }
        }
    }
}
