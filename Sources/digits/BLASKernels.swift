import DigitNet
import Foundation

/// OpenBLAS picks its kernels once, when the library loads, from OPENBLAS_CORETYPE or its own CPU detection.
/// Debian's OpenBLAS does not know recent CPUs and then falls back to its SSE3 ("Prescott") kernels, a third
/// or less of what the CPU can do; and on some CPUs the AVX-512 kernels win while on others AVX2's do. So,
/// unless the user chose (OPENBLAS_CORETYPE, or DIGITS_KEEP_BLAS=1 for OpenBLAS's own pick), the tool times
/// sgemm once per CPU with each set of kernels the CPU can run, remembers the fastest in
/// ~/.cache/digits/blas-kernels, and starts itself again with it.
enum BLASKernels {
    /// Set in the short-lived child processes that time one set of kernels.
    static let probeVariable = "DIGITS_BLAS_PROBE"

    static func choose() {
        #if arch(x86_64) && os(Linux)
        let env = ProcessInfo.processInfo.environment
        if env[probeVariable] != nil {
            // A child timing the kernels it was started with: 512³ products, median of three 50 ms runs.
            useSingleThreadedBLAS()
            print(Benchmark.sgemmGFLOPS(threads: 1, runs: 3, size: 512, seconds: 0.05))
            exit(0)
        }
        guard env["OPENBLAS_CORETYPE"] == nil, env["DIGITS_KEEP_BLAS"] == nil,
              let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return }
        let candidates = self.candidates(cpuinfo: cpu)
        guard !candidates.isEmpty else { return }
        let signature = self.signature(cpuinfo: cpu)
        let cache = cacheFile()
        var choice = cache.flatMap { cached(in: $0, signature: signature) }
        if choice == nil {
            choice = candidates.count == 1 ? candidates[0] : fastest(of: candidates)
            if let choice, let cache { remember(choice, signature: signature, in: cache) }
        }
        guard let choice else { return }
        setenv("OPENBLAS_CORETYPE", choice, 1)
        let args = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", args)
        // execv returns only on failure: carry on with the kernels already loaded.
        #endif
    }

    /// OpenBLAS kernel sets this CPU runs, from its flags: AVX-512 ones first, then AVX2 ones.
    static func candidates(cpuinfo: String) -> [String] {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        let flags = Set(line.split(separator: " ").map(String.init))
        var names = [String]()
        if ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy(flags.contains) { names.append("SkylakeX") }
        if ["avx2", "fma"].allSatisfy(flags.contains) { names.append("Haswell") }
        return names
    }

    /// The CPU's model name and a hash of its flags: a cached choice holds for this CPU only.
    static func signature(cpuinfo: String) -> String {
        let lines = cpuinfo.split(separator: "\n")
        let model = lines.first(where: { $0.hasPrefix("model name") }).map { $0.split(separator: ":").last ?? "" } ?? ""
        let flags = lines.first(where: { $0.hasPrefix("flags") }) ?? ""
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in flags.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return model.trimmingCharacters(in: .whitespaces) + " " + String(hash, radix: 16)
    }

    /// The kernels remembered for this CPU in a cache file of "signature<TAB>kernels" lines.
    static func cached(in file: URL, signature: String) -> String? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2 && parts[0] == signature { return String(parts[1]) }
        }
        return nil
    }

    static func remember(_ kernels: String, signature: String, in file: URL) {
        let old = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        let kept = old.split(separator: "\n").filter { !$0.hasPrefix(signature + "\t") }
        let text = (kept + [Substring(signature + "\t" + kernels)]).joined(separator: "\n") + "\n"
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? text.write(to: file, atomically: true, encoding: .utf8)
    }

    static func cacheFile() -> URL? {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? env["HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent(".cache") }
        return base?.appendingPathComponent("digits/blas-kernels")
    }

    /// Times each set of kernels in a child process of its own (the kernels cannot change once loaded).
    static func fastest(of candidates: [String]) -> String? {
        var best: (name: String, rate: Double)?
        for name in candidates {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            var env = ProcessInfo.processInfo.environment
            env[probeVariable] = "1"; env["OPENBLAS_CORETYPE"] = name
            child.environment = env
            let out = Pipe()
            child.standardOutput = out
            child.standardError = FileHandle.nullDevice
            guard (try? child.run()) != nil else { continue }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            child.waitUntilExit()
            guard child.terminationStatus == 0,
                  let rate = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            else { continue }
            if rate > (best?.rate ?? 0) { best = (name, rate) }
        }
        return best?.name
    }
}
