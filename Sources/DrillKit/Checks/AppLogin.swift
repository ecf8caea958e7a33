import Foundation

/// A login through the app with the drill account: its password and the code a known-good
/// authenticator (liboath) shows now. Shared by `totp_login` and `test_order`.
enum AppLogin {
    struct Answer {
        var url: String
        var status: Int
        var token: String?
    }

    struct NotAttempted: Error, CustomStringConvertible {
        var description: String
    }

    static func attempt(url template: String, email: String, password: SecretReference, secret: SecretReference,
                        app: AppAddress, secrets: SecretStore) async throws(NotAttempted) -> Answer {
        let passwordValue: String, code: String
        do {
            passwordValue = try secrets.value(of: password)
            code = try TOTP.code(secret: try TOTP.decodeBase32(try secrets.value(of: secret)), at: Date())
            secrets.remember(code)
        } catch {
            throw NotAttempted(description: "\(error)")
        }
        let url = app.url(template)
        do {
            let answer = try await HTTPExchange.send("POST", url, json: [
                "email": .string(email), "password": .string(passwordValue), "code": .string(code),
            ])
            let token = (answer.json as? [String: Any])?["token"] as? String
            if let token { secrets.remember(token) }
            return Answer(url: url, status: answer.status, token: token)
        } catch {
            throw NotAttempted(description: "POST \(url) got no answer: \(error)")
        }
    }

    /// What a 401 after a restore most likely means.
    static let refusedExplanation = "the master key most likely does not match the data (the stored TOTP secret did not decrypt), "
        + "or the drill account was not in the backup"
}
