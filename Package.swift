// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "restore-drill",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "restore-drill", targets: ["restore-drill"]),
        .executable(name: "refstore", targets: ["refstore"]),
        .executable(name: "snapstore", targets: ["snapstore"]),
        .library(name: "DrillKit", targets: ["DrillKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // RefStore's HTTP server: no dependencies of its own, so it adds seconds, not minutes, to a build.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COath", pkgConfig: "liboath", providers: [.apt(["liboath-dev"])]),
        // SQLite stores (StoreIT): the system's libsqlite3, as libpq is, so no package adds to the build.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "DrillKit",
            dependencies: [
                "CLibPQ", "COath", "CSQLite",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Ed25519 keys as PEM (PKCS#8 / SPKI), so openssl can check what restore-drill signs.
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "RefStoreKit",
            dependencies: [
                "DrillKit",
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "DrillCommandLine",
            dependencies: ["DrillKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "restore-drill",
            dependencies: ["DrillKit", "DrillCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "refstore",
            dependencies: ["RefStoreKit", "DrillKit", "DrillCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // StoreIT's stand-in: a SQLite store with snapshot upgrades and automatic rollback.
        .executableTarget(
            name: "snapstore",
            dependencies: ["DrillKit", "DrillCommandLine", .product(name: "FlyingFox", package: "FlyingFox"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "DrillKitTests", dependencies: ["DrillKit", .product(name: "Yams", package: "Yams")], resources: [.copy("Fixtures")]),
        .testTarget(name: "DrillIntegrationTests", dependencies: ["DrillKit", "RefStoreKit", .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v6]
)
