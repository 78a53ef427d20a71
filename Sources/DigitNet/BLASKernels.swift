import Foundation

/// OpenBLAS picks its kernels once, when the library loads, from OPENBLAS_CORETYPE or its own CPU detection.
/// Debian's OpenBLAS does not know recent CPUs and then falls back to its SSE3 ("Prescott") kernels, a third
/// or less of what the CPU can do; and on some CPUs the AVX-512 kernels win while on others AVX2's do, so a
/// machine-wide OPENBLAS_CORETYPE set for one CPU can halve the speed on another. `choose()` therefore times
/// the network once per CPU with each set of kernels the CPU can run (`Benchmark.kernelScore`: what the
/// kernels do for a scan's small products, which large products do not tell), an inherited OPENBLAS_CORETYPE among them,
/// remembers the fastest in ~/.cache/digits/blas-kernels, and has OpenBLAS load it in place (or, where the
/// library cannot, starts itself again with it). DIGITS_BLAS_KERNELS
/// names the kernels outright; DIGITS_KEEP_BLAS=1 keeps what OpenBLAS would load (OPENBLAS_CORETYPE or its own pick).
public enum BLASKernels {
    /// Set in the short-lived child processes that time one set of kernels.
    static let probeVariable = "DIGITS_BLAS_PROBE"
    /// Set with the choice, so that a process started again with it (or a child) keeps it.
    static let chosenVariable = "DIGITS_BLAS_CHOSEN"

    /// Call first thing in `main`: may start the process again (same arguments) with the chosen kernels.
    public static func choose() {
        #if arch(x86_64) && os(Linux)
        let env = ProcessInfo.processInfo.environment
        if env[probeVariable] != nil {
            // A child timing the kernels it was started with on the network's inference.
            useSingleThreadedBLAS()
            print(Benchmark.kernelScore())
            exit(0)
        }
        guard env[chosenVariable] == nil, env["DIGITS_KEEP_BLAS"] == nil else { return }
        let inherited = env["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
        var choice = env["DIGITS_BLAS_KERNELS"].flatMap { $0.isEmpty ? nil : $0 }
        if choice == nil {
            guard let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return }
            let candidates = self.candidates(cpuinfo: cpu, inherited: inherited)
            guard !candidates.isEmpty, candidates != [inherited] else { return }
            let signature = self.signature(cpuinfo: cpu, inherited: inherited)
            let cache = cacheFile()
            choice = cache.flatMap { cached(in: $0, signature: signature) }
            if choice == nil {
                let rates = candidates.count == 1 ? [(candidates[0], 0.0)] : self.rates(of: candidates)
                choice = rates.max(by: { $0.1 < $1.1 })?.0
                if let choice, let cache { remember(choice, signature: signature, in: cache) }
                if let choice, let inherited, choice != inherited {
                    FileHandle.standardError.write(Data((overrideNote(choice: choice, inherited: inherited, rates: rates) + "\n").utf8))
                }
            }
        }
        guard let choice, choice != inherited else { return }
        setenv("OPENBLAS_CORETYPE", choice, 1)
        setenv(chosenVariable, "1", 1)
        if reload(choice) { return }
        // The arguments as the process got them: bytes that are not UTF-8 stay as they were.
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with the kernels already loaded.
        #endif
    }

    /// Has OpenBLAS choose its kernels again, in this process, from OPENBLAS_CORETYPE (set to `kernels`):
    /// a library built for many CPUs (DYNAMIC_ARCH, as Debian's is) makes its choice in
    /// `gotoblas_dynamic_init`, which does nothing while a choice stands and which `gotoblas_dynamic_quit`
    /// clears. Call before any BLAS work. False when the library has no such functions or did not take the
    /// kernels: then only a new process can change them.
    static func reload(_ kernels: String) -> Bool {
        typealias Hook = @convention(c) () -> Void
        guard let quit = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gotoblas_dynamic_quit"),
              let start = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gotoblas_dynamic_init") else { return false }
        unsafeBitCast(quit, to: Hook.self)()
        unsafeBitCast(start, to: Hook.self)()
        return blasKernels.caseInsensitiveCompare(kernels) == .orderedSame
    }

    /// Told once, when the timing overrules an inherited OPENBLAS_CORETYPE.
    static func overrideNote(choice: String, inherited: String, rates: [(String, Double)]) -> String {
        let listed = rates.map { "\($0.0) \(Int($0.1.rounded()))" }.joined(separator: ", ")
        return "digits: OpenBLAS's \(choice) kernels run the network fastest on this CPU (images/s: \(listed)), "
            + "so they replace OPENBLAS_CORETYPE=\(inherited); DIGITS_KEEP_BLAS=1 keeps yours"
    }

    /// OpenBLAS kernel sets to time: those this CPU runs, from its flags (AVX-512 ones first, then AVX2 ones),
    /// and an inherited OPENBLAS_CORETYPE if it names another.
    static func candidates(cpuinfo: String, inherited: String? = nil) -> [String] {
        var names = [String]()
        if let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
            let flags = Set(line.split(separator: " ").map(String.init))
            if ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy(flags.contains) { names.append("SkylakeX") }
            if ["avx2", "fma"].allSatisfy(flags.contains) { names.append("Haswell") }
        }
        if let inherited, !names.contains(inherited) { names.append(inherited) }
        return names
    }

    /// What the kernels are timed on; a choice cached from another timing is made again.
    static let timing = "network"

    /// The CPU's model name, a hash of its flags, the timing and any inherited OPENBLAS_CORETYPE: a cached
    /// choice holds for this CPU, that timing and that setting only.
    static func signature(cpuinfo: String, inherited: String? = nil) -> String {
        let lines = cpuinfo.split(separator: "\n")
        let model = lines.first(where: { $0.hasPrefix("model name") }).map { $0.split(separator: ":").last ?? "" } ?? ""
        let flags = lines.first(where: { $0.hasPrefix("flags") }) ?? ""
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in flags.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return model.trimmingCharacters(in: .whitespaces) + " " + String(hash, radix: 16) + " " + timing
            + (inherited.map { " OPENBLAS_CORETYPE=" + $0 } ?? "")
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

    /// Times each set of kernels in a child process of its own (the kernels cannot change once loaded):
    /// `Benchmark.kernelScore` for each set that ran.
    static func rates(of candidates: [String]) -> [(String, Double)] {
        var rates = [(String, Double)]()
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
            rates.append((name, rate))
        }
        return rates
    }
}
