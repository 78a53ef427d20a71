import COpenBLAS

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

/// Limits OpenBLAS to one thread: `digits` splits batches over threads itself, which holds up better than
/// BLAS threads when the other core is busy.
public func useSingleThreadedBLAS() {
    openblas_set_num_threads(1)
    #if os(Linux)
    // Activations are allocated and freed every step; keep freed blocks in the heap instead of returning them
    // to the system, so the next step does not pay page faults for fresh memory (glibc: M_MMAP_THRESHOLD = -3,
    // M_TRIM_THRESHOLD = -1).
    _ = glibcMallopt(-3, 512 << 20)
    _ = glibcMallopt(-1, 1 << 30)
    #endif
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Sums `parts` equal slices of `partials` (thread-private accumulators) into `target`, in a fixed order.
func addPartials(_ partials: UnsafeMutablePointer<Float>, parts: Int, into target: inout [Float]) {
    let n = target.count
    target.withUnsafeMutableBufferPointer { t in
        for p in 0..<parts {
            let src = partials + p * n
            for i in 0..<n { t[i] += src[i] }
        }
    }
}
