import DigitVision
import Foundation

/// How a command ends when it does not succeed: one message (printed as "digits: …") and one exit status
/// per kind of failure, the same in every command (listed in `digits --help`).
struct Failure: Error {
    static let usageStatus: Int32 = 2
    let status: Int32
    let message: String?

    /// Nothing was done: a model, data set, labels file or output folder that cannot be used (exit 2).
    static func unusable(_ error: any Error) -> Failure { Failure(status: usageStatus, message: "\(error)") }
    static func unusable(_ message: String) -> Failure { Failure(status: usageStatus, message: message) }
    /// The work ran but failed (exit 1).
    static func failed(_ error: any Error) -> Failure { Failure(status: 1, message: "\(error)") }
    static func failed(_ message: String) -> Failure { Failure(status: 1, message: message) }
    /// Some inputs could not be read; each was already reported (exit 1).
    static let someInputsFailed = Failure(status: 1, message: nil)
    /// Ctrl-C (exit 130).
    static func interrupted(_ message: String) -> Failure { Failure(status: 130, message: message) }

    /// Runs the set-up of a command: any error means nothing was done (exit 2).
    static func setUp<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let f as Failure { throw f } catch { throw unusable(error) }
    }

    /// Runs the work of a command: any error is a failure (exit 1).
    static func working<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let f as Failure { throw f } catch { throw failed(error) }
    }
}

/// Prints a one-line error to stderr.
func printError(_ message: String) {
    Console.errors.write(Data(("digits: " + message + "\n").utf8))
}
