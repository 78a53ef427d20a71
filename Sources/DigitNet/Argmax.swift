extension RandomAccessCollection where Element == Float {
    /// The offset (from 0) of the largest value, the first of equal ones, and that value; (0, -∞) when empty.
    /// The predicted class of a row of probabilities.
    public var top: (index: Int, value: Float) {
        var best = 0, value = -Float.infinity
        for (i, v) in enumerated() where v > value { best = i; value = v }
        return (best, value)
    }

    /// Offsets (from 0) from the largest value to the smallest, equal values in their order.
    public var ranking: [Int] {
        let values = Array(self)
        return values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
    }
}

extension Tensor {
    /// Row `i` of a [N, K] tensor.
    public func row(_ i: Int) -> ArraySlice<Float> {
        let k = shape[1]
        return data[(i * k)..<((i + 1) * k)]
    }
}
