import DigitBatch
import DigitData
import DigitImage
import DigitNet
import DigitReport
import DigitSynth
import DigitVision
import Foundation
import XCTest

/// What the bundled model and the scan pipeline read on pictures made for the purpose: touching digits, a word,
/// a frame. These are the behaviours a page of real paperwork needs.
final class ReadingTests: XCTestCase {
    static let job: ClassifyJob? = {
        guard let (classifier, _) = try? loadClassifier(nil), let reader = try? loadLineReader(nil) else { return nil }
        return ClassifyJob(engine: .digits(classifier), threads: 1, lineReader: reader)
    }()

    /// Reads one picture as `digits classify` does: the marks, and what each was read as (nil: not a digit).
    func read(_ image: GrayImage) throws -> [Int?] {
        let job = try XCTUnwrap(Self.job)
        let path = NSTemporaryDirectory() + "reading-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try image.writePNG(to: path)
        var outcomes = [job.scan(InputEntry(path: path))]
        XCTAssertNil(outcomes[0].error)
        job.read(&outcomes, threads: 1)
        guard let result = outcomes[0].result else { return [] }
        let none = TextLines.noDigits(result, probabilities: outcomes[0].probabilities)
        return outcomes[0].probabilities.indices.map { none[$0] ? nil : outcomes[0].probabilities[$0].prefix(10).top.index }
    }

    func testDigitsModel() throws {
        let job = try XCTUnwrap(Self.job)
        guard case let .digits(c) = job.engine else { return XCTFail("engine") }
        XCTAssertEqual(c.members[0].classes, MarkClasses.pageModel, "the bundled model reads pages")
    }

    /// Pairs of MNIST test digits pushed together until their strokes touch read as two digits, in order.
    func testTouchingPairsReadAsTwoDigits() throws {
        guard let path = ProcessInfo.processInfo.environment["DIGITS_DATA"] else { throw XCTSkip("DIGITS_DATA not set") }
        let test = try DataSet.resolve(path).test()
        var rng = RandomSource(seed: 11)
        var two = 0, right = 0
        let pairs = 20
        for _ in 0..<pairs {
            let a = Int(rng.next() % 10_000), b = Int(rng.next() % 10_000)
            let s = DigitString.make([a, b], of: test, touching: true, rng: &rng)
            let marks = try read(s.onPaper(&rng)).compactMap { $0 }
            if marks.count == 2 { two += 1 }
            if marks.map(String.init).joined() == s.label { right += 1 }
        }
        XCTAssertGreaterThanOrEqual(two, 17, "touching pairs read as two digits")
        XCTAssertGreaterThanOrEqual(right, 17, "touching pairs read right")
    }

    /// Numbers of four touching MNIST test digits, one wide mark each, are read the right way up as their four
    /// digits (a wide mark is no sign of a page turned by a quarter): the line reader's work.
    func testTouchingNumbersReadAsTheirDigits() throws {
        guard let path = ProcessInfo.processInfo.environment["DIGITS_DATA"] else { throw XCTSkip("DIGITS_DATA not set") }
        let test = try DataSet.resolve(path).test()
        var rng = RandomSource(seed: 12)
        var four = 0, right = 0
        for _ in 0..<10 {
            let s = DigitString.make((0..<4).map { _ in Int(rng.next() % 10_000) }, of: test, touching: true, rng: &rng)
            let digits = try read(s.onPaper(&rng)).compactMap { $0 }
            if digits.count == 4 { four += 1 }
            if digits.map(String.init).joined() == s.label { right += 1 }
        }
        XCTAssertGreaterThanOrEqual(four, 8, "touching numbers read as four digits")
        XCTAssertGreaterThanOrEqual(right, 7, "touching numbers read right")
    }

    /// A handwritten-looking word is no digit.
    func testAWordReadsAsNoDigit() throws {
        // In capitals (Humor Sans writes only those) the O and S of a word pass for digits on their own.
        for (word, font) in [("hello", "DejaVu Sans"), ("Name", "DejaVu Sans"), ("Street", "DejaVu Sans"), ("Jones", "Humor Sans"), ("Signed", "Humor Sans")] {
            let image = renderImage(width: 520, height: 160) { c in
                c.fill(.white)
                c.text(word, x: 30, y: 110, size: 80, color: .black, font: font)
            }
            let digits = try read(image).compactMap { $0 }
            if !digits.isEmpty {
                let kept = NSTemporaryDirectory() + "word-\(word).png"
                try image.writePNG(to: kept)
                XCTFail("\(word) read as \(digits); the picture is \(kept)")
            }
        }
    }

    /// Numbers among words — dates with the month or the day written out — are read, the words are not; a zero
    /// written small (DkgHandwriting's old-style figures) still counts; capitals as tall as the digits (Humor
    /// Sans), unsure as digits among letters, are not read as digits.
    func testNumbersAmongWordsAreRead() throws {
        for (text, font, digits) in [("12 March 2024", "Rufscript", "122024"), ("Mon 7 Dec 2026", "DkgHandwriting", "72026"),
                                     ("3 June 1999", "Breip", "31999"), ("12 March 2024", "DkgHandwriting", "122024"),
                                     ("12 March 2024", "Humor Sans", "122024")] {
            let image = renderImage(width: 900, height: 160) { c in
                c.fill(.white)
                c.text(text, x: 30, y: 100, size: 64, color: .black, font: font)
            }
            XCTAssertEqual(try read(image).compactMap { $0 }.map(String.init).joined(), digits, "\(text) in \(font)")
        }
    }

    /// A stroke with a dot over it (i, j) or under it (!, ?) is no digit, though the stroke alone is a 1 or a 3.
    func testDottedStrokesReadAsNoDigit() throws {
        for (mark, font) in [("i", "DejaVu Sans"), ("j", "DejaVu Sans"), ("!", "DejaVu Sans"), ("?", "DejaVu Sans"),
                             ("!", "Humor Sans"), ("?", "Humor Sans"), ("i", "Breip"), ("?", "Breip")] {
            let image = renderImage(width: 200, height: 220) { c in
                c.fill(.white)
                c.text(mark, x: 70, y: 160, size: 120, color: .black, font: font)
            }
            let digits = try read(image).compactMap { $0 }
            if !digits.isEmpty {
                let kept = NSTemporaryDirectory() + "dotted-\(font)-\(mark == "?" ? "question" : mark == "!" ? "exclamation" : mark).png"
                try image.writePNG(to: kept)
                XCTFail("\(mark) in \(font) read as \(digits); the picture is \(kept)")
            }
        }
    }

    /// A black frame, or a blank page, holds no digit.
    func testAFrameReadsAsNoDigit() throws {
        let frame = renderImage(width: 300, height: 200) { c in
            c.fill(.white)
            c.rect(40, 30, 220, 140, stroke: .black, lineWidth: 8)
        }
        XCTAssertEqual(try read(frame).compactMap { $0 }, [])
        XCTAssertEqual(try read(GrayImage(width: 200, height: 200, value: 235)).compactMap { $0 }, [])
    }
}
