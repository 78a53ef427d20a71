// swift-tools-version:6.0
import PackageDescription

// The network's own loops (Winograd transforms, pooling, activations) are written with SIMD16 vectors; for the
// baseline x86-64 CPU (SSE2) each vector is four registers and the 6x6 transforms spill. So this package's own
// builds compile DigitNet for the CPU that builds it, as `-march=native` does (docs/performance.md gives what it
// is worth). Such a binary runs only on CPUs with the builder's features: DIGITS_PORTABLE=1 builds one to copy
// elsewhere. SwiftPM refuses unsafe flags in a package that another one depends on by version, so when this
// package is a dependency (checked out under another package's `checkouts/`), DigitNet is built portable.
let isDependency = Context.packageDirectory.contains("/checkouts/")
let portable = Context.environment["DIGITS_PORTABLE"] == "1" || isDependency
let hostCPU: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "native"])]
let openCV: [CXXSetting] = [.unsafeFlags(["-I/usr/include/opencv4", "-std=c++17", "-O2"])]

let package = Package(
    name: "digits",
    products: [
        .executable(name: "digits", targets: ["digits"]),
        .library(name: "DigitNet", targets: ["DigitNet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Thin system-library modules.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),

        // The C++ OpenCV shim behind a plain C header; links only the OpenCV libraries it uses (the image codecs
        // are loaded when a file needs them: shim/Codecs.hpp).
        .target(
            name: "DigitShim",
            path: "shim",
            exclude: ["dnn"],
            publicHeadersPath: "include",
            cxxSettings: openCV,
            linkerSettings: [
                .linkedLibrary("opencv_imgproc"), .linkedLibrary("opencv_core"), .linkedLibrary("dl"),
                .linkedLibrary("isal"), .linkedLibrary("jpeg"), .linkedLibrary("m"),
            ]
        ),
        // OpenCV's dnn module running exported ONNX models: a second, independent engine (links opencv_dnn).
        .target(
            name: "DigitDNN",
            dependencies: ["DigitShim"],
            path: "shim/dnn",
            publicHeadersPath: "include",
            cxxSettings: openCV,
            linkerSettings: [.linkedLibrary("opencv_dnn"), .linkedLibrary("opencv_core")]
        ),

        // The gray image and the box that the scan pipeline and the reports share. Plain Swift.
        .target(name: "DigitImage"),
        // The scan pipeline: image (or PDF page, rendered by poppler) → digits → MNIST-style samples.
        .target(name: "DigitVision", dependencies: ["DigitImage", "DigitShim", "DigitNet", "CPoppler"], exclude: ["README.md"]),
        // Pictures of the work: charts, image grids, page overlays, PDF reports. Cairo and plain data only.
        .target(name: "DigitReport", dependencies: ["DigitImage", "CCairo", "CIsal"]),
        // The network: tensors, layers, optimisers, training. BLAS only.
        .target(name: "DigitNet", dependencies: ["COpenBLAS"], exclude: ["README.md"], swiftSettings: hostCPU),
        // Data sets on disk: IDX files (plain or gzip), download and verification.
        .target(name: "DigitData", dependencies: ["DigitNet", "CZlib"]),

        // Synthetic training data and benchmarks made from MNIST: strings of digits, touching or apart, and marks
        // that are not digits (handwriting fonts, strokes), normalised by the scan pipeline's own code.
        .target(name: "DigitSynth", dependencies: ["DigitImage", "DigitNet", "DigitVision", "DigitReport"]),

        // The application: inputs, the scan → classify loop, result rows and their writers, labels, merge,
        // engines, the bundled model, the reports of a run.
        .target(
            name: "DigitBatch",
            dependencies: ["DigitImage", "DigitNet", "DigitData", "DigitVision", "DigitReport", "DigitDNN", "DigitSynth"],
            resources: [.copy("Resources/default.safetensors"), .copy("Resources/default-history.csv"), .copy("Resources/reader.safetensors")]
        ),

        // The command-line tool: parses, calls DigitBatch and the libraries, prints.
        .executableTarget(
            name: "digits",
            dependencies: [
                "DigitBatch", "DigitNet", "DigitData", "DigitVision", "DigitReport", "DigitImage", "DigitSynth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Renders samples/ (the README's example scans) from handwriting fonts: scripts/make-samples.
        .executableTarget(name: "make-samples", dependencies: ["DigitReport", "DigitVision", "DigitImage", "DigitShim"]),

        .testTarget(name: "DigitShimTests", dependencies: ["DigitShim"]),
        .testTarget(name: "DigitDNNTests", dependencies: ["DigitDNN", "DigitShim", "DigitNet"]),
        .testTarget(name: "DigitImageTests", dependencies: ["DigitImage"]),
        .testTarget(name: "DigitNetTests", dependencies: ["DigitNet", "DigitData", "DigitDNN"]),
        .testTarget(name: "DigitDataTests", dependencies: ["DigitData"]),
        .testTarget(name: "DigitVisionTests", dependencies: ["DigitVision", "DigitImage", "DigitShim"]),
        .testTarget(name: "DigitReportTests", dependencies: ["DigitReport", "DigitImage", "CCairo"]),
        .testTarget(name: "DigitSynthTests", dependencies: ["DigitSynth", "DigitNet", "DigitVision", "DigitImage"]),
        .testTarget(name: "DigitBatchTests", dependencies: ["DigitBatch", "DigitVision", "DigitImage", "DigitNet", "DigitData", "DigitReport", "DigitSynth"]),
        // End-to-end: runs the built `digits` binary on folders of real and broken files.
        .testTarget(name: "digitsTests", dependencies: ["digits"]),
    ],
    swiftLanguageModes: [.v6]
)
