/// Fully connected layer: y = x·Wᵀ + b, with W stored [out, in] as PyTorch does.
public struct Dense: Layer {
    public let inputs: Int, outputs: Int
    public var weight: Parameter  // [out, in]
    public var bias: Parameter?  // [out]
    public var needsInputGradient = true
    private var input = Tensor(zeros: [0])  // [N, in]

    public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, initialization: WeightInit = .he,
                rng: inout RandomSource) {
        self.inputs = inputs; self.outputs = outputs
        weight = Parameter(Tensor(shape: [outputs, inputs], data: initialization.weights(outputs * inputs, fanIn: inputs, rng: &rng)))
        self.bias = bias ? Parameter(Tensor(shape: [outputs], data: initialization.biases(outputs, fanIn: inputs, rng: &rng))) : nil
    }

    public var summary: String { "Dense \(inputs)→\(outputs)" + (bias == nil ? " no bias" : "") }

    public func cost(_ shape: [Int]) -> (macs: Int, output: [Int]) { (inputs * outputs, [outputs]) }

    public func exportONNX(into g: inout ONNXGraph, input: String, prefix p: String) -> String {
        let b = bias?.value ?? Tensor(zeros: [outputs])
        return g.node("Gemm", [input, g.weight(p + "weight", weight.value), g.weight(p + "bias", b)], [("transB", .int(1))])
    }

    // x: [N, in] -> y: [N, out]
    public mutating func forward(_ x: Tensor, _ ctx: PassContext) -> Tensor {
        let n = x.shape[0], i = inputs, o = outputs
        precondition(x.itemSize == i, "Dense expects \(i) inputs, got \(x.itemSize)")
        // y starts as the bias in every row and the product adds onto it (beta 1): one pass over y fewer than
        // OpenBLAS clearing it for beta 0 and the bias added after. Without a bias the product writes y (beta 0).
        var y = Tensor(shape: [n, o]) { _ in }
        let threads = min(ctx.threads, max(1, n / 16))
        let biasValues = bias?.value.data ?? []
        let hasBias = bias != nil
        biasValues.withUnsafeBufferPointer { bb in
            x.data.withUnsafeBufferPointer { xb in
                weight.value.data.withUnsafeBufferPointer { wb in
                    y.data.withUnsafeMutableBufferPointer { yb in
                        let xp = xb.baseAddress!, wp = wb.baseAddress!, yp = SharedPointer(yb.baseAddress!)
                        // Each thread packs its part of one operand and all of the other: split the larger one,
                        // W (output columns) when there are more outputs than samples, else x (rows).
                        let byColumns = o > n
                        parallel(threads) { t in
                            let rows = byColumns ? 0..<n : slice(n, part: t, of: threads)
                            let cols = byColumns ? slice(o, part: t, of: threads) : 0..<o
                            if rows.isEmpty || cols.isEmpty { return }
                            let out = yp.p + rows.lowerBound * o + cols.lowerBound
                            if hasBias {
                                for r in 0..<rows.count { (out + r * o).update(from: bb.baseAddress! + cols.lowerBound, count: cols.count) }
                            }
                            gemm(transB: true, m: rows.count, n: cols.count, k: i, a: xp + rows.lowerBound * i, lda: i,
                                 b: wp + cols.lowerBound * i, ldb: i, beta: hasBias ? 1 : 0, c: out, ldc: o)
                        }
                    }
                }
            }
        }
        if ctx.training { input = x.reshaped([n, i]) }
        return y
    }

    // dy: [N, out] -> dx: [N, in]; adds dW [out, in] and db [out] into the gradients.
    // dx is split over the batch or over input columns; dW and db over output rows, each thread summing the
    // whole batch for its rows, so no per-thread copies of dW are made and added up.
    public mutating func backward(_ dy: Tensor, _ ctx: PassContext) -> Tensor {
        let n = input.shape[0], i = inputs, o = outputs
        let threads = min(ctx.threads, max(1, n / 16))
        // Every value of dx is written by the product (beta 0): no zeroing first.
        var dx = Tensor(shape: needsInputGradient ? [n, i] : [0]) { _ in }
        let needsDx = needsInputGradient, hasBias = bias != nil
        let w = weight.value.data  // shares storage: only the gradients are written below
        var dw = weight.grad.data, db = bias?.grad.data ?? []
        weight.grad.data = []; bias?.grad.data = []  // dw and db are the only references while they are written
        input.data.withUnsafeBufferPointer { xb in
            dy.data.withUnsafeBufferPointer { dyb in
                w.withUnsafeBufferPointer { wb in
                    dx.data.withUnsafeMutableBufferPointer { dxb in
                        dw.withUnsafeMutableBufferPointer { dwb in
                            db.withUnsafeMutableBufferPointer { dbb in
                                let xp = xb.baseAddress!, dyp = dyb.baseAddress!, wp = wb.baseAddress!
                                let dxp = needsDx ? SharedPointer(dxb.baseAddress!) : nil
                                // An empty array's buffer may still have an address: test for the bias itself.
                                let dwp = SharedPointer(dwb.baseAddress!)
                                let dbp = hasBias ? SharedPointer(dbb.baseAddress!) : nil
                                parallel(threads) { t in
                                    // As in forward: split dy's rows or W's columns, whichever is larger.
                                    let byColumns = i > n
                                    let r = byColumns ? 0..<n : slice(n, part: t, of: threads)
                                    let cols = byColumns ? slice(i, part: t, of: threads) : 0..<i
                                    if let dxp, !r.isEmpty, !cols.isEmpty {
                                        gemm(m: r.count, n: cols.count, k: o, a: dyp + r.lowerBound * o, lda: o,
                                             b: wp + cols.lowerBound, ldb: i, c: dxp.p + r.lowerBound * i + cols.lowerBound, ldc: i)
                                    }
                                    let rows = slice(o, part: t, of: threads)
                                    if rows.isEmpty { return }
                                    gemm(transA: true, m: rows.count, n: i, k: n, a: dyp + rows.lowerBound, lda: o, b: xp, ldb: i,
                                         beta: 1, c: dwp.p + rows.lowerBound * i, ldc: i)
                                    if let dbp {
                                        for row in 0..<n { Vector.add(dyp + row * o + rows.lowerBound, into: dbp.p + rows.lowerBound, rows.count) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        weight.grad.data = dw
        if bias != nil { bias!.grad.data = db }
        return dx
    }

    public mutating func visitParameters(_ body: (String, inout Parameter) -> Void) {
        body("weight", &weight)
        if bias != nil { body("bias", &bias!) }
    }
}
