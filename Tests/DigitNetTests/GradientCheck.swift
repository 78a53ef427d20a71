@testable import DigitNet
import XCTest

/// Finite-difference checks shared by the layer tests: the loss is Σ r·y for a fixed random r, so
/// dL/dy = r and every analytic gradient can be compared with (L(θ+h) − L(θ−h)) / 2h.
enum GradientCheck {
    static func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = RandomSource(seed: seed)
        var t = Tensor(zeros: shape)
        for i in t.data.indices { t.data[i] = scale * rng.normal() }
        return t
    }

    static func dot(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.data, b.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks input and parameter gradients of `layer` at `x`; `samples` coordinates of each are probed.
    static func check<L: Layer>(_ layer: L, input x: Tensor, threads: Int = 1, samples: Int = 40,
                                tolerance: Double = 2e-2, file: StaticString = #filePath, line: UInt = #line) {
        let ctx = PassContext(training: true, threads: threads, seed: 7)
        var l = layer
        let y = l.forward(x, ctx)
        let r = random(y.shape, seed: 99)
        let dx = l.backward(r, ctx)
        func loss(_ layer: L, _ input: Tensor) -> Double {
            var copy = layer
            return dot(copy.forward(input, ctx), r)
        }
        let h: Float = 1e-2
        var rng = RandomSource(seed: 5)
        if dx.count == x.count {
            for _ in 0..<samples {
                let i = Int(rng.next() % UInt64(x.count))
                var xp = x, xm = x
                xp.data[i] += h; xm.data[i] -= h
                let numeric = (loss(layer, xp) - loss(layer, xm)) / Double(2 * h)
                assertClose(Double(dx.data[i]), numeric, tolerance, "input[\(i)]", file: file, line: line)
            }
        }
        var grads = [(String, Tensor)]()
        l.visitParameters { name, p in if p.trainable { grads.append((name, p.grad)) } }
        for (name, g) in grads {
            for _ in 0..<samples {
                let i = Int(rng.next() % UInt64(g.count))
                func perturbed(_ delta: Float) -> L {
                    var copy = layer
                    copy.visitParameters { n, p in if n == name { p.value.data[i] += delta } }
                    return copy
                }
                let numeric = (loss(perturbed(h), x) - loss(perturbed(-h), x)) / Double(2 * h)
                assertClose(Double(g.data[i]), numeric, tolerance, "\(name)[\(i)]", file: file, line: line)
            }
        }
    }

    static func assertClose(_ a: Double, _ b: Double, _ tol: Double, _ what: String, file: StaticString, line: UInt) {
        let scale = max(1, abs(a), abs(b))
        XCTAssertLessThanOrEqual(abs(a - b) / scale, tol, "\(what): analytic \(a) vs numeric \(b)", file: file, line: line)
    }
}
