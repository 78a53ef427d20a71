// swift-tools-version:6.0
import PackageDescription
import Foundation

// The network's own loops (Winograd transforms, pooling, activations) are written with SIMD16 vectors; compiled
// for the baseline x86-64 CPU (SSE2) each vector is four registers and the 6x6 transforms spill. So DigitNet is
// compiled for the CPU that builds it, as `-march=native` builds do: measured +15 % (lenet) and +6 % (m3)
// training on the AVX-512 Xeon this project first ran on. A binary built this way runs only on CPUs with the
// builder's features: set DIGITS_PORTABLE=1 when building one to copy to other machines.
let portable = Context.environment["DIGITS_PORTABLE"] == "1"
let hostCPU: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "native"])]

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
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),

        // The C++ OpenCV shim behind a plain C header; links only the OpenCV libraries it uses.
        .target(
            name: "DigitShim",
            path: "shim",
            exclude: ["dnn"],
            publicHeadersPath: "include",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-std=c++17", "-O2"])],
            linkerSettings: [
                .linkedLibrary("opencv_imgcodecs"), .linkedLibrary("opencv_imgproc"), .linkedLibrary("opencv_core"),
                .linkedLibrary("deflate"), .linkedLibrary("m"),
            ]
        ),
        // OpenCV's dnn module running exported ONNX models: a second, independent engine (links opencv_dnn).
        .target(
            name: "DigitDNN",
            dependencies: ["DigitShim"],
            path: "shim/dnn",
            publicHeadersPath: "include",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-std=c++17", "-O2"])],
            linkerSettings: [.linkedLibrary("opencv_dnn"), .linkedLibrary("opencv_core")]
        ),
        // The scan pipeline: image → digits → MNIST-style samples.
        .target(name: "DigitVision", dependencies: ["DigitShim"]),

        // Pictures of the work: charts, image grids, page overlays, PDF reports. Cairo and plain data only.
        .target(name: "DigitReport", dependencies: ["CCairo"]),

        // The network: tensors, layers, optimisers, training. BLAS only.
        .target(name: "DigitNet", dependencies: ["COpenBLAS"], swiftSettings: hostCPU),
        // Data sets on disk: IDX files (plain or gzip), download and verification.
        .target(name: "DigitData", dependencies: ["DigitNet", "CZlib"]),

        // The command-line tool: wires the modules together.
        .executableTarget(
            name: "digits",
            dependencies: [
                "DigitNet", "DigitData", "DigitVision", "DigitReport", "DigitDNN",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Resources/default.safetensors"), .copy("Resources/default-history.csv")]
        ),

        // Renders samples/ (the README's example scans) from handwriting fonts: scripts/make-samples.
        .executableTarget(name: "make-samples", dependencies: ["DigitReport", "DigitVision", "DigitShim"]),

        .testTarget(name: "DigitNetTests", dependencies: ["DigitNet", "DigitData", "DigitDNN"]),
        .testTarget(name: "DigitDataTests", dependencies: ["DigitData"]),
        .testTarget(name: "DigitVisionTests", dependencies: ["DigitVision", "DigitShim"]),
        .testTarget(name: "DigitReportTests", dependencies: ["DigitReport", "CCairo"]),
        // End-to-end: runs the built `digits` binary on folders of real and broken files.
        .testTarget(name: "digitsTests", dependencies: ["digits"]),
    ],
    swiftLanguageModes: [.v5]
)
