@testable import DigitNet
import XCTest

final class LineReaderTests: XCTestCase {
    /// The two phases of a batch alternate frame by frame (the strip's frame f at 2f, the shifted strip's at
    /// 2f + 1), and the gradient goes back to the frame it came from.
    func testPhasesInterleaveAndComeBack() {
        // 2 strips × 2 phases, 3 classes, 4 frames: the value says phase, strip, class and frame.
        let x = Tensor(shape: [4, 3, 1, 4], data: (0..<48).map { Float($0) })
        let y = LineReader.interleaved(x)
        XCTAssertEqual(y.shape, [2, 3, 1, 8])
        // Strip 1, class 2: its own frames are 1·12 + 2·4 + f = 20 + f; its shifted ones (item 3) 44 + f.
        XCTAssertEqual(Array(y.data[(1 * 3 + 2) * 8..<((1 * 3 + 2) * 8 + 8)]), [20, 44, 21, 45, 22, 46, 23, 47])
        XCTAssertEqual(LineReader.deinterleaved(y).data, x.data)
    }

    /// The second phase is the strip without its first two columns.
    func testShiftedStripLosesTwoColumns() {
        let strip = (width: 5, pixels: (0..<140).map { Float($0 % 5) })
        let s = LineReader.shifted(strip)
        XCTAssertEqual(s.width, 3)
        XCTAssertEqual(Array(s.pixels.prefix(6)), [2, 3, 4, 2, 3, 4])
    }

    /// A reader trained on both phases reads the likeliest labelling of the interleaved frames of the strip and of
    /// the strip shifted by two columns; a one-phase reader of the same weights reads half as many frames, and
    /// its labels are numbered in the same 2-column frames.
    func testBothPhasesGiveAFrameEveryTwoColumns() {
        let network = LineReader.build(seed: 3)
        let one = LineReader(network: network), two = LineReader(network: network, metadata: ["frame_stride": "2"])
        XCTAssertEqual(one.frameStride, 4)
        XCTAssertEqual(two.frameStride, 2)
        var rng = RandomSource(seed: 4)
        let strip = (width: 80, pixels: (0..<(28 * 80)).map { _ in rng.uniform() < 0.3 ? Float(1) : 0 })
        var copy = network
        let both = copy.forward(LineReader.batch([strip, LineReader.shifted(strip)]), PassContext(training: false))
        let frames = LineReader.frames(width: 80) + LineReader.frames(width: 78)
        let p = CTC.probabilities(LineReader.interleaved(both))
        XCTAssertEqual(p.shape[3], 2 * LineReader.frames(width: 80))
        let expected = CTC.bestReading(Array(p.data).framesPrefix(frames, of: p.shape[3], classes: 11)[...], classes: 11, frames: frames)
        XCTAssertFalse(expected.isEmpty, "a random network reads something in noise")
        XCTAssertEqual(two.read([strip])[0], expected)
        let single = CTC.probabilities(copy.forward(LineReader.batch([strip]), PassContext(training: false)))
        let t = single.shape[3]
        let labels = CTC.bestReading(single.data[...], classes: 11, frames: t)
        XCTAssertEqual(one.read([strip])[0].map(\.label), labels.map(\.label))
        XCTAssertEqual(one.read([strip])[0].map(\.frames.lowerBound), labels.map { 2 * $0.frames.lowerBound })
    }
}
