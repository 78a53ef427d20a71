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
}
