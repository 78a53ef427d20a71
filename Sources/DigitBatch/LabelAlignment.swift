/// Which digit of a page's label each digit read stands for. A number read with one digit dropped or one too many
/// is matched to its label with the fewest changes (Levenshtein: a digit read for another, a digit missed, a digit
/// read where there is none, each costing one), so that the digits after the slip still meet their own truths
/// instead of each its neighbour's: one dropped digit is one mistake, in `predictions.csv`, the confusion matrix
/// and the grid of mistakes, not a run of them.
public enum LabelAlignment {
    /// For each digit of `read`, the label digit it stands for, or nil for a digit read where the label has none.
    /// Where several alignments cost the same, a digit read for another is preferred to a missed and an extra one,
    /// so that a reading of the label's length is matched digit by digit.
    public static func truths(read: [Int], label: [Int]) -> [Int?] {
        let n = read.count, m = label.count
        // cost[i][j]: fewest changes that turn read[..<i] into label[..<j].
        var cost = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in 0...n { cost[i][0] = i }
        for j in 0...m { cost[0][j] = j }
        for i in stride(from: 1, through: n, by: 1) {
            for j in stride(from: 1, through: m, by: 1) {
                let pair = cost[i - 1][j - 1] + (read[i - 1] == label[j - 1] ? 0 : 1)
                cost[i][j] = min(pair, cost[i - 1][j] + 1, cost[i][j - 1] + 1)
            }
        }
        // Back from the end: a pair where it is as cheap, else an extra digit read, else a missed one.
        var out = [Int?](repeating: nil, count: n)
        var i = n, j = m
        while i > 0 {
            if j > 0 && cost[i][j] == cost[i - 1][j - 1] + (read[i - 1] == label[j - 1] ? 0 : 1) {
                out[i - 1] = label[j - 1]
                i -= 1; j -= 1
            } else if cost[i][j] == cost[i - 1][j] + 1 {
                i -= 1
            } else {
                j -= 1
            }
        }
        return out
    }
}
