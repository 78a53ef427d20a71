/// The classes a model reads. Every model reads the ten digits (0–9); a model made to read pages also tells
/// marks that are not digits (letters, symbols, strokes) and marks that hold several digits run together, so
/// that they can be set aside or split.
public enum MarkClasses {
    public static let digits = 10
    /// Letters, words, symbols, strokes, stains, slivers of digits.
    public static let notDigit = 10
    /// Two or more digits whose strokes touch or overlap: one mark to be read as several.
    public static let severalDigits = 11
    /// Outputs of a model that reads pages.
    public static let pageModel = 12

    /// A mark is read as no digit (not a digit, or digits run together) only when the model gives that at
    /// least this probability; otherwise as its likeliest digit. Losing a real digit costs more than reading
    /// one stray mark, so the bar is above an even chance.
    public static let otherAt: Float = 0.6

    /// What a row of class probabilities reads as: a digit, or `notDigit` / `severalDigits`.
    public static func reading(_ row: some RandomAccessCollection<Float>) -> Int {
        let top = row.top
        guard top.index >= digits else { return top.index }
        return top.value >= otherAt ? top.index : row.prefix(digits).top.index
    }

    /// The likeliest digit of a row of class probabilities and its probability, whatever the other classes say.
    public static func likeliestDigit(_ row: some RandomAccessCollection<Float>) -> (index: Int, value: Float) {
        row.prefix(digits).top
    }
}
