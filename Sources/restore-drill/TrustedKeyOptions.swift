import ArgumentParser
import DrillKit
import Foundation

/// `--public-key FILE` (repeatable, for a rotated key), else $RESTORE_DRILL_PUBLIC_KEY_FILE:
/// the signers whose records verify-report, history and controls count as intact.
struct TrustedKeyOptions: ParsableArguments {
    @Option(name: .customLong("public-key"), help: ArgumentHelp(
        "A trusted signer's public key (.pub.pem from keygen); repeat for a rotated key. Also $RESTORE_DRILL_PUBLIC_KEY_FILE.",
        valueName: "FILE"))
    var files: [String] = []

    func load() throws -> [TrustedKey] {
        var chosen = files
        if chosen.isEmpty, let file = ProcessInfo.processInfo.environment["RESTORE_DRILL_PUBLIC_KEY_FILE"], !file.isEmpty {
            chosen = [file]
        }
        return try chosen.map(TrustedKey.load(file:))
    }
}
