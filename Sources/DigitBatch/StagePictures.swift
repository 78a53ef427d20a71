import DigitImage
import DigitVision

/// The pictures `digits preprocess` adds to the pipeline's own stages.
public enum StagePictures {
    /// The page as the pipeline read it (turned and straightened) with a frame drawn around each digit found.
    public static func boxes(_ page: GrayImage, result: ScanResult) -> GrayImage {
        var img = page
        for box in result.pageBoxes {
            let b = Box(x: max(0, box.x), y: max(0, box.y), width: min(box.width, page.width - max(0, box.x)),
                        height: min(box.height, page.height - max(0, box.y)))
            guard b.width > 0, b.height > 0 else { continue }
            for t in 0..<max(1, page.width / 400) {
                for x in max(0, b.x - t)..<min(img.width, b.maxX + t) {
                    if b.y - t >= 0 { img[x, b.y - t] = 0 }
                    if b.maxY - 1 + t < img.height { img[x, b.maxY - 1 + t] = 0 }
                }
                for y in max(0, b.y - t)..<min(img.height, b.maxY + t) {
                    if b.x - t >= 0 { img[b.x - t, y] = 0 }
                    if b.maxX - 1 + t < img.width { img[b.maxX - 1 + t, y] = 0 }
                }
            }
        }
        return img
    }

    /// The 28x28 samples side by side (at most 40 a row), as the network sees them.
    public static func samples(_ digits: [ScannedDigit]) -> GrayImage {
        GrayImage.tiled(digits.map { d in d.sample.map { UInt8($0 * 255) } })
    }
}
