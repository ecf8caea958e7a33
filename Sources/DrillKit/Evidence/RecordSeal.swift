import Crypto
import CryptoExtras
import Foundation

/// The signature over one drill's reports, written beside them as `<report>.seal.json`.
///
/// What is signed is plain text anyone can rebuild and check with tools that are not ours:
/// `restore-drill seal v1` and then one `sha256sum` line per report file, the JSON record
/// first. `sha256sum -c` checks the files, `openssl pkeyutl -verify -rawin` the signature.
public struct RecordSeal: Sendable, Codable, Equatable {
    public static let format = "restore-drill seal v1"
    public static let fileSuffix = ".seal.json"

    public struct SealedFile: Sendable, Codable, Equatable {
        /// A name in the same folder as the seal, never a path.
        public var name: String
        public var sha256: String
    }

    public var format: String
    public var algorithm: String
    public var keyId: String
    /// The signer's public key (PEM), so a verifier can say which key signed even when it
    /// was not told which to trust.
    public var publicKey: String
    public var files: [SealedFile]
    /// Ed25519 over `signedText`, base64.
    public var signature: String

    public var signedText: String { RecordSeal.signedText(files: files) }

    static func signedText(files: [SealedFile]) -> String {
        ([format] + files.map { "\($0.sha256)  \($0.name)" }).joined(separator: "\n") + "\n"
    }

    /// Seals the files named, which must sit in `directory`; the record comes first.
    public static func seal(files names: [String], in directory: String, with key: SigningKey) throws -> RecordSeal {
        let files = try names.map { name in
            SealedFile(name: name, sha256: try FileDigest.sha256(path: directory + "/" + name).hex)
        }
        let signature = try key.sign(Data(signedText(files: files).utf8))
        return RecordSeal(format: format, algorithm: "ed25519", keyId: key.keyID, publicKey: key.publicPEM,
                          files: files, signature: signature.base64EncodedString())
    }

    public static func sealName(forRecord recordName: String) -> String {
        (recordName.hasSuffix(".json") ? String(recordName.dropLast(5)) : recordName) + fileSuffix
    }

    /// Whether the signature holds for the hashes the seal lists (the files themselves are
    /// checked separately, so each broken thing gets its own sentence).
    func signatureHolds() -> (signer: Curve25519.Signing.PublicKey?, valid: Bool) {
        guard let key = try? Curve25519.Signing.PublicKey(pemRepresentation: publicKey),
              let signature = Data(base64Encoded: signature) else { return (nil, false) }
        return (key, key.isValidSignature(signature, for: Data(signedText.utf8)))
    }

    public func encoded() throws -> Data { try JSONEncoder.drill.encode(self) + Data("\n".utf8) }
}
