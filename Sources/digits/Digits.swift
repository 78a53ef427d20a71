import ArgumentParser
import DigitVision
import Foundation

@main
struct Digits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Read handwritten digits: train, evaluate and benchmark the CNN.",
        subcommands: [Classify.self, Merge.self, Train.self, Evaluate.self, Bench.self, Preprocess.self, Plot.self, Export.self, DataCommand.self]
    )

    static func main() async {
        chooseBLASKernels()
        _ = Console.errors  // before any decoding silences file descriptor 2
        setvbuf(stdout, nil, _IOLBF, 0)  // lines in order with stderr's progress, also in a pipe
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Usage errors exit with status 2, as the tool documents; everything else as ArgumentParser does.
            if exitCode(for: error) == .validationFailure {
                Console.errors.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// OpenBLAS picks its kernels when the library loads, from OPENBLAS_CORETYPE or its own CPU detection; on this
/// project's machines its own choice runs sgemm at about a third of the Haswell kernels' speed (see README,
/// Performance). So when the user has not chosen, the tool starts itself again with Haswell kernels, which every
/// x86-64 CPU with AVX2 and FMA runs. DIGITS_KEEP_BLAS=1 keeps OpenBLAS's own choice.
func chooseBLASKernels() {
    #if arch(x86_64) && os(Linux)
    let env = ProcessInfo.processInfo.environment
    guard env["OPENBLAS_CORETYPE"] == nil, env["DIGITS_KEEP_BLAS"] == nil else { return }
    guard let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpu.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
          flags.contains(" avx2"), flags.contains(" fma") else { return }
    setenv("OPENBLAS_CORETYPE", "Haswell", 1)
    let args = CommandLine.arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", args)
    // execv returns only on failure: carry on with the kernels already loaded.
    #endif
}
