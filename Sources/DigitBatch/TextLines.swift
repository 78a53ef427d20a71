import DigitImage
import DigitNet
import DigitVision

/// Lines of writing that are words rather than numbers. A letter alone can pass for a digit (l and 1, o and 0,
/// S and 5), a line of them rarely: words mix short letters sitting on the line (a, e, o, r) with tall ones
/// (b, d, h, l, t), while the digits of a number stand about equally tall (but for zeros, which many people
/// write small, where no mark of the line reads as a letter); and a line whose marks are mostly read as no digit
/// is no number either. Every mark of such a line is taken as no digit, but for its words whose marks are all
/// sure digits standing tall: the numbers written among the words (a date with its month spelt out, "Total 450").
public enum TextLines {
    /// Which marks of a scan are no digit. A mark read as not a digit, or as digits run together that could
    /// not be split, is none (`isNoDigit`), and so is a mark alone on its page given less than half to the
    /// digits; in a form's cell, which is there for a digit, only when the network is sure of it. Off a form,
    /// so is every mark of a line of words outside its numbers.
    public static func noDigits(_ result: ScanResult, probabilities: [[Float]]) -> [Bool] {
        // A mark alone on its page is no digit when the other classes together outweigh the digits: it was
        // not split, so "several digits" says only that it is no one digit (a letter, a symbol on its own).
        let alone = result.digits.count == 1 && result.grid == nil
        let others = probabilities.map { p in
            (isNoDigit(p) || (alone && (digitShare(p).map { $0 < 0.5 } ?? false)))
                && (result.grid == nil || p.top.value >= 0.95)
        }
        guard result.grid == nil else { return others }
        // The digits read in one mark (a number whose digits touch) are one mark of the line: the heights of
        // its parts are those of the columns each was given, not of letters.
        let groups = Dictionary(grouping: result.digits.indices, by: { result.digits[$0].mark }).values.map { $0.sorted() }
        let marks = groups.map { parts in
            let k = parts[0]
            return Mark(line: result.digits[k].line, box: parts.dropFirst().reduce(result.digits[k].box) { $0.union(result.digits[$1].box) },
                        parts: parts.count, other: parts.allSatisfy { others[$0] },
                        zero: parts.allSatisfy { !others[$0] && MarkClasses.reading(probabilities[$0]) == 0 },
                        sure: parts.allSatisfy { !others[$0] && MarkClasses.likeliestDigit(probabilities[$0]).value >= sureDigit },
                        letter: parts.count == 1 && others[k] && probabilities[k][MarkClasses.notDigit] >= sureLetter)
        }
        let text = find(marks)
        // In a line of words, a word all of whose marks are sure digits, tall but for small zeros, is a number
        // among them (the day and year of a written-out date, an amount after "Total").
        var numbers = Set<Int>()
        for (line, tall) in text {
            let members = marks.indices.filter { marks[$0].line == line }
            for word in words(members.map { marks[$0] }, tall: tall)
            where word.allSatisfy({ marks[members[$0]].isNumberPart(tall: tall) }) && word.contains(where: { marks[members[$0]].isTall(tall) }) {
                for w in word { numbers.insert(members[w]) }
            }
        }
        var inNumber = [Bool](repeating: false, count: result.digits.count)
        for g in numbers { for k in groups[g] { inNumber[k] = true } }
        // Off the lines of words, a word in which two letters stand side by side is a word too: its marks
        // that look like digits (the O and S of "JONES") are letters. The symbols of an expression stand
        // between its digits, one at a time.
        var inWord = [Bool](repeating: false, count: result.digits.count)
        for (line, members) in Dictionary(grouping: marks.indices, by: { marks[$0].line }) where text[line] == nil {
            let tall = members.map { Double(marks[$0].box.height) }.max() ?? 0  // a word's capitals, not its x-height
            for word in words(members.map { marks[$0] }, tall: tall) where word.count >= 3 {
                let letters = word.map { marks[members[$0]].letter && marks[members[$0]].isTall(tall) && !marks[members[$0]].isSlender }
                if zip(letters, letters.dropFirst()).contains(where: { $0 && $1 }) {
                    for w in word { for k in groups[members[w]] { inWord[k] = true } }
                }
            }
        }
        // In a line where letters or symbols stand among the digits, a mark that is no likely digit is one of them.
        var mixed = Set<Int>()
        for (line, members) in Dictionary(grouping: marks, by: \.line) where members.count >= 3 {
            if share(of: members, \.other) >= 0.3 { mixed.insert(line) }
        }
        // In a number, a mark as tall as its digits is a digit written oddly unless the network is sure it is none.
        let oddDigits = Set(marks.indices.filter { m in
            text[marks[m].line] == nil && isOddDigit(m, of: marks, probabilities: groups[m].map { probabilities[$0] })
        }.flatMap { groups[$0] })
        return result.digits.indices.map { k in
            let line = result.digits[k].line
            if oddDigits.contains(k) { return false }
            if others[k] || inWord[k] || (text[line] != nil && !inNumber[k]) { return true }
            return mixed.contains(line) && MarkClasses.likeliestDigit(probabilities[k]).value < unlikelyDigit
        }
    }

    /// Whether a row of class probabilities is no digit: read as not a digit or as digits run together, or
    /// given to those two together at least `MarkClasses.otherAt` (a cursive word kept whole may be either).
    static func isNoDigit(_ p: [Float]) -> Bool {
        MarkClasses.reading(p) >= MarkClasses.digits || (digitShare(p).map { $0 <= 1 - MarkClasses.otherAt } ?? false)
    }

    /// What a page model gives the ten digits together; nil for a model that reads only digits.
    static func digitShare(_ p: [Float]) -> Float? {
        p.count > MarkClasses.digits ? p.prefix(MarkClasses.digits).reduce(0, +) : nil
    }

    /// Below this probability of being no digit, a mark standing among the digits of a number is one of them.
    static let surelyNoDigit: Float = 0.9

    /// Whether mark `m`, read as no digit but not surely, is a digit of a number: the other marks of its line
    /// (two or more) are all digits, at least two in three of them sure, and it stands as tall as they do. A
    /// symbol written between digits (+, =, −) is short or sure; an odd 2 or a thin 1 among digits is neither.
    static func isOddDigit(_ m: Int, of marks: [Mark], probabilities rows: [[Float]]) -> Bool {
        let mark = marks[m]
        guard mark.other, rows.count == 1, rows[0][MarkClasses.notDigit] < surelyNoDigit,
              rows[0][MarkClasses.severalDigits] < MarkClasses.otherAt else { return false }
        let line = marks.indices.filter { $0 != m && marks[$0].line == mark.line }.map { marks[$0] }
        guard line.count >= 2, line.allSatisfy({ !$0.other }), line.filter(\.sure).count * 3 >= line.count * 2 else { return false }
        let heights = line.map { Double($0.box.height) }.sorted()
        return Double(mark.box.height) >= 0.8 * heights[heights.count / 2]
    }

    /// A mark read as no digit at least this surely may be a letter of a word.
    static let sureLetter: Float = 0.9

    /// Below this, a mark read as a digit in a line that mixes letters or symbols with digits is no digit.
    static let unlikelyDigit: Float = 0.5

    /// A mark of a number among words is read as a digit at least this surely.
    static let sureDigit: Float = 0.9
    /// Words are apart by at least this share of the line's tall height; the marks of a word are closer.
    static let wordGap = 0.3

    /// The marks of one line (indices into `marks`) grouped into words, left to right: a gap of `wordGap`
    /// times the tall height or more between the right edge of the ink so far and the next mark starts a word.
    static func words(_ marks: [Mark], tall: Double) -> [[Int]] {
        var out = [[Int]](), right = Int.min
        for k in marks.indices.sorted(by: { marks[$0].box.x < marks[$1].box.x }) {
            if out.isEmpty || Double(marks[k].box.x - right) >= wordGap * tall { out.append([]) }
            out[out.count - 1].append(k)
            right = max(right, marks[k].box.maxX)
        }
        return out
    }

    /// A mark on the page: its line, its box, and whether it was read as no digit.
    struct Mark {
        var line: Int
        var box: Box
        /// The digits read in it: one, or those of a number whose digits touch.
        var parts = 1
        var other: Bool
        /// Read as a 0, or as zeros run together: short on the line, and still digits.
        var zero = false
        /// Read as digits, every part at least `sureDigit`.
        var sure = false
        /// One mark read as no digit at least `sureLetter` surely.
        var letter = false

        /// Less than half as wide as tall: a bracket, a stroke, a narrow letter (l, i, t), which say little
        /// about a word (two brackets stand side by side in an expression).
        var isSlender: Bool { 2 * box.width < box.height }

        /// As tall as digits stand (a letter of the x-height, an a or an o, is not).
        func isTall(_ tall: Double) -> Bool { Double(box.height) >= 0.6 * tall }

        /// A sure digit, tall, or a zero (which many people write small) in a number with a tall digit.
        func isNumberPart(tall: Double) -> Bool { sure && (isTall(tall) || zero) }
    }

    /// The share of a line's marks that are `kind`, each counted as the digits read in it: a number whose
    /// digits touch weighs as the digits it holds, not as one mark beside a dash or a small zero.
    static func share(of marks: [Mark], _ kind: (Mark) -> Bool) -> Double {
        let all = marks.map(\.parts).reduce(0, +)
        return all == 0 ? 0 : Double(marks.filter(kind).map(\.parts).reduce(0, +)) / Double(all)
    }

    /// The lines of `marks` that are text, each with the height its tall marks stand.
    static func find(_ marks: [Mark]) -> [Int: Double] {
        var text = [Int: Double]()
        for (line, members) in Dictionary(grouping: marks, by: \.line) {
            let heights = members.map { Double($0.box.height) }.sorted()
            let tall = heights[min(heights.count - 1, heights.count * 3 / 4)]
            // Dots, commas and dashes say nothing either way.
            let sized = members.filter { Double($0.box.height) >= 0.3 * tall }
            guard sized.count >= 3 else { continue }
            // A small zero is a digit's, unless letters stand beside it (an o among them).
            let letters = sized.contains(where: \.other)
            let bottoms = sized.map { Double($0.box.maxY) }.sorted()
            let baseline = bottoms[bottoms.count / 2]
            func short(_ below: Double) -> Double {
                share(of: sized) { m in
                    (!m.zero || letters) && Double(m.box.height) <= below * tall && abs(Double(m.box.maxY) - baseline) <= 0.12 * tall
                }
            }
            let others = share(of: sized, \.other)
            // Mostly no digits; or letters short and tall (handwriting's x-height is half to two thirds of a
            // tall letter's, print's up to four fifths, when some marks already read as no digit).
            if others >= 0.6 || short(0.65) >= 0.3 || (others >= 0.3 && short(0.8) >= 0.3) {
                text[line] = tall
            }
        }
        return text
    }
}
