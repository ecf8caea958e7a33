import ArgumentParser
import Foundation
import RefStoreKit

/// `--release 1|2`, or `REFSTORE_RELEASE` (what an image of one release sets); default 1.
struct ReleaseOption: ParsableArguments {
    @Option(name: .customLong("release"), help: ArgumentHelp("The RefStore release line: 1 (1.0.0) or 2 (2.0.0). Default: $REFSTORE_RELEASE, else 1.",
                                                               valueName: "LINE"))
    var line: String?

    var release: RefStoreRelease {
        RefStoreRelease(rawValue: line ?? ProcessInfo.processInfo.environment["REFSTORE_RELEASE"] ?? "1") ?? .one
    }

    func validate() throws {
        let chosen = line ?? ProcessInfo.processInfo.environment["REFSTORE_RELEASE"] ?? "1"
        guard RefStoreRelease(rawValue: chosen) != nil else {
            let source = line == nil ? "REFSTORE_RELEASE" : "--release"
            throw ValidationError("\(source) must be one of \(RefStoreRelease.allCases.map(\.rawValue).joined(separator: ", ")), not '\(chosen)'")
        }
    }
}
