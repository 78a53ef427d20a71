#if canImport(Glibc)
import Glibc
#endif
import DigitVision
import Foundation

/// Where progress goes: a redrawn line on a terminal, occasional plain lines otherwise.
struct ProgressLine {
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastPlain = -1

    /// Shows `text`; `fraction` in [0, 1] decides, off a terminal, when to print a plain line (every 10 %).
    mutating func update(_ text: String, fraction: Double) {
        if isTerminal {
            Console.errors.write(Data(("\r\u{1B}[K" + text).utf8))
        } else {
            let step = Int(fraction * 10)
            if step > lastPlain { lastPlain = step; Console.errors.write(Data((text + "\n").utf8)) }
        }
    }

    /// Ends the current line.
    mutating func finish(_ text: String) {
        Console.errors.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + text + "\n").utf8))
        lastPlain = -1
    }
}

/// A bar of `width` cells filled to `fraction`.
func bar(_ fraction: Double, width: Int = 24) -> String {
    let filled = max(0, min(width, Int(fraction * Double(width))))
    return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
}

/// m:ss or h:mm:ss.
func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
}

/// Set by SIGINT: the training loop stops at the next batch, keeping the last checkpoint.
nonisolated(unsafe) var interruptRequested = false

/// First Ctrl-C asks the work to stop cleanly; a second one ends the process at once.
func installInterruptHandler() {
    signal(SIGINT) { _ in
        if interruptRequested { _exit(130) }
        interruptRequested = true
    }
}
