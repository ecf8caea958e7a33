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
    public var secretsRead: [SecretReference] { [settings.password, settings.secret] }
    public var urlTemplates: [String] { settings.urlTemplates }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        guard let app = context.app else {
            transcript.cannotVerify("the app is not running (see the app step), so nobody could log in")
            return transcript.outcome(passing: "")
        }
        if let flow = settings.flow { return await runFlow(flow, app: app, context: context, transcript: transcript) }
        let answer: AppLogin.Answer
        do {
            answer = try await AppLogin.attempt(url: settings.url, email: settings.email, password: settings.password,
                                                secret: settings.secret, app: app, secrets: context.secrets)
        } catch {
            transcript.cannotVerify(error.description)
            return transcript.outcome(passing: "")
        }
        let url = answer.url
        transcript.observe("POST \(url)", expected: "200", actual: String(answer.status), ok: answer.status == 200)
        switch answer.status {
        case 200:
            break
        case 401:
            transcript.fail("the login was refused (401) with the known-good password and TOTP code: " + AppLogin.refusedExplanation)
        default:
            transcript.fail("the login answered \(answer.status), not 200")
        }
        return transcript.outcome(passing: "\(settings.email) logged in with password and TOTP: the master key matches the data")
    }

    private func runFlow(_ flow: LoginFlowSpec, app: AppAddress, context: CheckContext, transcript: CheckTranscript) async -> CheckOutcome {
        var run = LoginFlowRun(flow: flow, app: app, secrets: context.secrets)
        _ = await run.logIn(email: settings.email, password: settings.password, secret: settings.secret, into: transcript)
        return transcript.outcome(passing: "\(settings.email) logged in with password and TOTP through its login flow "
                                  + "(\(CheckWording.count(Int64(flow.steps.count), "request"))): the master key matches the data")
    }
}
