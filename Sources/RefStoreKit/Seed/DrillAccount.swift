import DrillKit
import Foundation

/// The account a restore drill logs in with: a known password and a known-good TOTP secret,
/// both from the environment, the secret stored sealed under the master key.
public struct DrillAccount: Sendable {
    public static let defaultEmail = "drill-2fa@example.test"
    public static let passwordVariable = "DRILL_PASSWORD"
    public static let secretVariable = "DRILL_TOTP_SECRET"

    public var email: String
    var password: String
    var totpSecret: String
    var masterKey: MasterKey

    /// Nil when neither variable is set (no account wanted); an error when only one is, or
    /// when the secret is not base32.
    public static func fromEnvironment(_ environment: [String: String], email: String = defaultEmail,
                                       masterKey: () throws -> MasterKey) throws -> DrillAccount? {
        let password = environment[passwordVariable], secret = environment[secretVariable]
        switch (password, secret) {
        case (nil, nil):
            return nil
        case (let password?, let secret?):
            guard !password.isEmpty else { throw DrillAccountError.emptyPassword }
            guard let bytes = try? TOTP.decodeBase32(secret), bytes.count >= 10 else { throw DrillAccountError.secretNotBase32 }
            return DrillAccount(email: email, password: password, totpSecret: secret, masterKey: try masterKey())
        default:
            throw DrillAccountError.halfConfigured
        }
    }

    /// Inserts or replaces the account's row.
    func enroll(on connection: PostgresConnection) async throws {
        let hash = try PasswordHash.make(password)
        let sealed = try SecretBox.seal(totpSecret, with: masterKey)
        try await connection.query("""
            INSERT INTO users (email, password_hash, totp_secret_enc) VALUES ($1, $2, $3)
            ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, totp_secret_enc = EXCLUDED.totp_secret_enc
            """, [email, hash, sealed])
    }
}

public enum DrillAccountError: Error, Equatable, CustomStringConvertible {
    case halfConfigured
    case emptyPassword
    case secretNotBase32

    public var description: String {
        switch self {
        case .halfConfigured:
            "set both \(DrillAccount.passwordVariable) and \(DrillAccount.secretVariable) to enroll the drill account, or neither"
        case .emptyPassword:
            "\(DrillAccount.passwordVariable) is empty; the drill account needs a password"
        case .secretNotBase32:
            "\(DrillAccount.secretVariable) is not a base32 TOTP secret of at least 80 bits (16 base32 characters)"
        }
    }
}
