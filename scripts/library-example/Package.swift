// swift-tools-version:6.0
// A package that uses digits' network as a library, as another project would: it depends on digits by version.
// scripts/check-library builds it against a tagged copy of this repository (DIGITS_PACKAGE_URL).
import PackageDescription

let url = Context.environment["DIGITS_PACKAGE_URL"] ?? "https://github.com/digits-ocr/digits"

let package = Package(
    name: "LibraryExample",
    dependencies: [.package(url: url, from: "0.1.0")],
    targets: [
        .executableTarget(name: "LibraryExample", dependencies: [.product(name: "DigitNet", package: "digits")]),
    ],
    swiftLanguageModes: [.v6]
)
