import ArgumentParser
import DrillKit
import Foundation

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create the Ed25519 key that signs drill reports.",
        discussion: """
            Writes the private key (PEM, mode 0600) to --out and its public half beside it as \
            <name>.pub.pem. Give the private key to `run` with --signing-key FILE, \
            RESTORE_DRILL_SIGNING_KEY_FILE, or the PEM text in RESTORE_DRILL_SIGNING_KEY (a CI \
            secret); never put it in a scenario. Give the .pub.pem to whoever checks the \
            reports: `restore-drill verify-report DIR --public-key drill-signing.pub.pem`. \
            An existing file is never overwritten.
            """
    )

    @Option(name: .customLong("out"), help: "Where to write the private key (e.g. drill-signing.pem).")
    var output: String

    func run() throws {
        let key = SigningKey.generate()
        do {
            let publicPath = try key.write(privateKeyTo: output)
            print("private key: \(output) (0600; keep it secret, e.g. as the CI secret \(SigningKey.textEnvironmentVariable))")
            print("public key:  \(publicPath) (give it to auditors)")
            print("key id:      \(key.keyID)")
        } catch let error as EvidenceError {
            FileHandle.standardError.write(Data("keygen: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
