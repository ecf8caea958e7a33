import Crypto
import Foundation

/// `secret_decrypt`: the same proof without the app. Reads one sealed secret from the
/// restored database and opens it with the installed master key: AES-256-GCM, stored as
/// `v1:` + base64(nonce 12 ‖ ciphertext ‖ tag 16) (RefStore's layout, in the README). The
/// plaintext must equal the known-good secret; neither is ever shown.
public struct SecretDecryptCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: SecretDecryptCheckSpec

    public init(spec: CheckSpec, settings: SecretDecryptCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "decrypt a stored secret with the master key" }
    public var secretsRead: [SecretReference] { [settings.secret] }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        guard settings.cipher == "aes-256-gcm" else {
            transcript.cannotVerify("cipher \(settings.cipher) is not supported; use aes-256-gcm")
            return transcript.outcome(passing: "")
        }
        guard let key = context.masterKey else {
            transcript.cannotVerify("no master key was installed (see the master_key step), so nothing could be decrypted")
            return transcript.outcome(passing: "")
        }
        let expected: String
        do { expected = try context.secrets.value(of: settings.secret) } catch {
            transcript.cannotVerify("\(error)")
            return transcript.outcome(passing: "")
        }
        let stored: String
        do {
            let result = try await transcript.query(settings.sql)
            guard result.rows.count == 1, let value = result.rows[0].first ?? nil else {
                transcript.fail("the query returned \(CheckWording.count(Int64(result.rows.count), "row")), not one sealed secret: "
                                + "the account holding it is missing from the restored data")
                return transcript.outcome(passing: "")
            }
            stored = value
        } catch {
            transcript.record(error, while: "read the sealed secret")
            return transcript.outcome(passing: "")
        }
        guard stored.hasPrefix("v1:"), let combined = Data(base64Encoded: String(stored.dropFirst(3))), combined.count > 28,
              let box = try? AES.GCM.SealedBox(combined: combined) else {
            transcript.fail("the stored value is not an AES-256-GCM sealed secret (v1: + base64 of nonce, ciphertext and tag)")
            transcript.observe("sealed secret", expected: "v1 layout", actual: "unrecognised", ok: false)
            return transcript.outcome(passing: "")
        }
        guard let plaintext = try? AES.GCM.open(box, using: SymmetricKey(data: key)) else {
            transcript.fail("the authentication tag does not verify: the installed master key is not the key this data was sealed with")
            transcript.observe("GCM tag", expected: "verifies", actual: "does not verify", ok: false)
            return transcript.outcome(passing: "")
        }
        let matches = String(decoding: plaintext, as: UTF8.self) == expected
        transcript.observe("decrypted secret", expected: "the known-good secret", actual: matches ? "equal" : "different", ok: matches)
        if !matches {
            transcript.fail("the secret decrypts, but not to the known-good one: the backup holds another account's secret")
        }
        return transcript.outcome(passing: "the stored secret decrypts with the master key to the known-good one")
    }
}
