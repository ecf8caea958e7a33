import Crypto
import Foundation

/// How RefStore stores a secret under the master key (the README documents it for auditors
/// and for `secret_decrypt`):
///
///     v1:BASE64( nonce (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes) )
///
/// AES-256-GCM, a fresh random nonce per secret, no associated data, standard base64 with
/// padding. The plaintext of a TOTP secret is its base32 text in UTF-8.
public enum SecretBox {
    public static let prefix = "v1:"

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notSealed
        case authenticationFailed

        public var description: String {
            switch self {
            case .notSealed: "not a v1 sealed secret (expected v1: followed by base64 of nonce, ciphertext and tag)"
            case .authenticationFailed: "the GCM authentication tag does not match: the key is not the one the secret was sealed with, or the ciphertext was altered"
            }
        }
    }

    public static func seal(_ plaintext: String, with key: MasterKey) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key.symmetricKey)
        guard let combined = box.combined else { throw Failure.notSealed }
        return prefix + combined.base64EncodedString()
    }

    public static func open(_ sealed: String, with key: MasterKey) throws(Failure) -> String {
        guard sealed.hasPrefix(prefix), let combined = Data(base64Encoded: String(sealed.dropFirst(prefix.count))),
              combined.count > 12 + 16, let box = try? AES.GCM.SealedBox(combined: combined) else {
            throw .notSealed
        }
        guard let plaintext = try? AES.GCM.open(box, using: key.symmetricKey) else { throw .authenticationFailed }
        return String(decoding: plaintext, as: UTF8.self)
    }
}
