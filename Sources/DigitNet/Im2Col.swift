/// The geometry of one convolution, and the copies between images and the column matrix that turn it into a
/// matrix product: columns are [Cin·k·k, count·Ho·Wo] for a block of `count` consecutive samples.
/// Both copies go through zero-bordered planes ((H+2·pad)×(W+2·pad)), so every row they copy is whole:
/// no bounds tests and no zero-filling in the inner loops.
struct Im2Col {
    let channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int
    let outHeight: Int, outWidth: Int

    var itemSize: Int { channels * height * width }
    var paddedHeight: Int { height + 2 * padding }
    var paddedWidth: Int { width + 2 * padding }
    /// Floats of scratch that `im2col` and `col2im` need per sample (none without padding).
    var scratchPerItem: Int { padding > 0 ? channels * paddedHeight * paddedWidth : 0 }

    /// Allocates scratch for `count` samples with zero borders, as `im2col` expects.
    func makeScratch(count: Int) -> UnsafeMutablePointer<Float> {
        let n = max(1, count * scratchPerItem)
        let s = UnsafeMutablePointer<Float>.allocate(capacity: n)
        s.initialize(repeating: 0, count: n)
        return s
    }

    // x: [count, C, H, W] -> cols: [C·k·k, count·Ho·Wo]. `scratch` comes from makeScratch: only the inside
    // of its planes is written here, so their borders stay zero from one call to the next.
    func im2col(_ x: UnsafePointer<Float>, count: Int, into cols: UnsafeMutablePointer<Float>,
                scratch: UnsafeMutablePointer<Float>) {
        let hp = paddedHeight, wp = paddedWidth, p = outHeight * outWidth, rowLength = count * p, rowStep = stride * wp
        var source = x
        if padding > 0 {
            for plane in 0..<(count * channels) {
                let from = x + plane * height * width, to = scratch + plane * hp * wp + padding * wp + padding
                for y in 0..<height { Vector.copy(from + y * width, into: to + y * wp, width) }
            }
            source = UnsafePointer(scratch)
        }
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = cols + ((c * kernel + ky) * kernel + kx) * rowLength
                    for i in 0..<count {
                        let plane = source + (i * channels + c) * hp * wp + ky * wp + kx
                        let dst = row + i * p
                        // Stepping pointers: no multiply and overflow test per row or value.
                        var s = plane, d = dst
                        for _ in 0..<outHeight {
                            if stride == 1 {
                                Vector.copy(s, into: d, outWidth)
                            } else {
                                var from = s
                                for ox in 0..<outWidth { d[ox] = from.pointee; from += stride }
                            }
                            s += rowStep; d += outWidth
                        }
                    }
                }
            }
        }
    }

    // cols: [C·k·k, count·Ho·Wo] -> x: [count, C, H, W], the adjoint of `im2col`: each column entry is added
    // onto the pixel it was copied from. Every value of x's `count` samples is written (not added to).
    func col2im(_ cols: UnsafePointer<Float>, count: Int, into x: UnsafeMutablePointer<Float>,
                scratch: UnsafeMutablePointer<Float>) {
        let hp = paddedHeight, wp = paddedWidth, p = outHeight * outWidth, rowLength = count * p, rowStep = stride * wp
        let target = padding > 0 ? scratch : x
        target.update(repeating: 0, count: count * channels * hp * wp)
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = cols + ((c * kernel + ky) * kernel + kx) * rowLength
                    for i in 0..<count {
                        let plane = target + (i * channels + c) * hp * wp + ky * wp + kx
                        let src = row + i * p
                        var s = src, d = plane
                        for _ in 0..<outHeight {
                            if stride == 1 {
                                Vector.add(s, into: d, outWidth)
                            } else {
                                var to = d
                                for ox in 0..<outWidth { to.pointee += s[ox]; to += stride }
                            }
                            s += outWidth; d += rowStep
                        }
                    }
                }
            }
        }
        guard padding > 0 else { return }
        for plane in 0..<(count * channels) {
            let from = scratch + plane * hp * wp + padding * wp + padding, to = x + plane * height * width
            for y in 0..<height { Vector.copy(from + y * wp, into: to + y * width, width) }
        }
    }
}
