// swift-tools-version:6.0
// A package that uses digits' network as a library, as another project would. With DIGITS_PACKAGE_URL set it
// depends on digits by version, from that repository (scripts/check-library does this with a tagged copy of this
// one); otherwise on this working tree by path.
import PackageDescription

let digits: Package.Dependency = Context.environment["DIGITS_PACKAGE_URL"].map { .package(url: $0, from: "0.1.0") }
    ?? .package(name: "digits", path: "../..")

let package = Package(
    name: "LibraryExample",
    dependencies: [digits],
    targets: [
        .executableTarget(name: "LibraryExample", dependencies: [.product(name: "DigitNet", package: "digits")]),
    ],
    swiftLanguageModes: [.v6]
)
