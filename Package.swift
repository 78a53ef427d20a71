// swift-tools-version:6.0
import PackageDescription

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

        // The network: tensors, layers, optimisers, training. BLAS only.
        .target(name: "DigitNet", dependencies: ["COpenBLAS"]),
        // Data sets on disk: IDX files (plain or gzip), download and verification.
        .target(name: "DigitData", dependencies: ["DigitNet", "CZlib"]),

        // The command-line tool: wires the modules together.
        .executableTarget(
            name: "digits",
            dependencies: [
                "DigitNet", "DigitData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Resources/default.safetensors")]
        ),

        .testTarget(name: "DigitNetTests", dependencies: ["DigitNet", "DigitData"]),
        .testTarget(name: "DigitDataTests", dependencies: ["DigitData"]),
    ],
    swiftLanguageModes: [.v5]
)
