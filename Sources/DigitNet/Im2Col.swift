/// The geometry of one convolution, and the copies between images and the column matrix that turn it into a
/// matrix product: columns are [Cin·k·k, count·Ho·Wo] for a block of `count` consecutive samples.
struct Im2Col {
    let channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int
    let outHeight: Int, outWidth: Int

    var itemSize: Int { channels * height * width }

    /// Output columns ox for which input column ox·stride − padding + kx lies inside the image.
    @inline(__always)
    private func validColumns(_ kx: Int) -> Range<Int> {
        let lo = max(0, (padding - kx + stride - 1) / stride)
        let hi = min(outWidth, (width - 1 + padding - kx) / stride + 1)
        return lo..<max(lo, hi)
    }

    func im2col(_ x: UnsafePointer<Float>, count: Int, into cols: UnsafeMutablePointer<Float>) {
        let p = outHeight * outWidth, rowLength = count * p
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = cols + ((c * kernel + ky) * kernel + kx) * rowLength
                    let valid = validColumns(kx)
                    for i in 0..<count {
                        let plane = x + i * itemSize + c * height * width
                        let dst = row + i * p
                        for oy in 0..<outHeight {
                            let d = dst + oy * outWidth
                            let iy = oy * stride - padding + ky
                            if iy < 0 || iy >= height || valid.isEmpty {
                                for ox in 0..<outWidth { d[ox] = 0 }
                                continue
                            }
                            // Rows are short (tens of values): plain loops, not a memcpy call per row.
                            let src = plane + iy * width - padding + kx
                            for ox in 0..<valid.lowerBound { d[ox] = 0 }
                            if stride == 1 {
                                for ox in valid { d[ox] = src[ox] }
                            } else {
                                for ox in valid { d[ox] = src[ox * stride] }
                            }
                            for ox in valid.upperBound..<outWidth { d[ox] = 0 }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds each column entry back onto the input pixel it was copied from.
    func col2im(_ cols: UnsafePointer<Float>, count: Int, into x: UnsafeMutablePointer<Float>) {
        let p = outHeight * outWidth, rowLength = count * p
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = cols + ((c * kernel + ky) * kernel + kx) * rowLength
                    let valid = validColumns(kx)
                    if valid.isEmpty { continue }
                    for i in 0..<count {
                        let plane = x + i * itemSize + c * height * width
                        let src = row + i * p
                        for oy in 0..<outHeight {
                            let iy = oy * stride - padding + ky
                            if iy < 0 || iy >= height { continue }
                            let s = src + oy * outWidth
                            let d = plane + iy * width - padding + kx
                            if stride == 1 {
                                for ox in valid { d[ox] += s[ox] }
                            } else {
                                for ox in valid { d[ox * stride] += s[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}
