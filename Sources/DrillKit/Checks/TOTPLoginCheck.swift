import Foundation

/// `totp_login`: logs in through the restored app with the drill account's password and the
/// code a known-good authenticator shows now (liboath). A 200 proves the master key the app
/// was given opens the TOTP secrets in the restored data.
public struct TOTPLoginCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: TOTPLoginCheckSpec

    public init(spec: CheckSpec, settings: TOTPLoginCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "TOTP login as \(settings.email)" }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        guard let app = context.app else {
            transcript.cannotVerify("the app is not running (see the app step), so nobody could log in")
            return transcript.outcome(passing: "")
        }
        let password: String, code: String
        do {
            password = try context.secrets.value(of: settings.password)
            let secret = try context.secrets.value(of: settings.secret)
            code = try TOTP.code(secret: try TOTP.decodeBase32(secret), at: Date())
            context.secrets.remember(code)
        } catch {
            transcript.cannotVerify("\(error)")
            return transcript.outcome(passing: "")
        }
        let url = app.url(settings.url)
        let answer: HTTPExchange
        do {
            answer = try await HTTPExchange.send("POST", url, json: ["email": settings.email, "password": password, "code": code])
        } catch {
            transcript.cannotVerify("POST \(url) got no answer: \(error)")
            return transcript.outcome(passing: "")
        }
        transcript.observe("POST \(url)", expected: "200", actual: String(answer.status), ok: answer.status == 200)
        switch answer.status {
        case 200:
            break
        case 401:
            transcript.fail("the login was refused (401) with the known-good password and TOTP code: the master key most likely "
                            + "does not match the data (the stored TOTP secret did not decrypt), or the drill account was not in the backup")
        default:
            transcript.fail("the login answered \(answer.status), not 200")
        }
        return transcript.outcome(passing: "\(settings.email) logged in with password and TOTP: the master key matches the data")
    }
}
