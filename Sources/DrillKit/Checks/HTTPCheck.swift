import Foundation

/// `http`: a GET through the restored app (any published service): the status, and a JSON
/// subset when given. Proves a page or API the operator cares about answers from the
/// restored data, beyond the ready probes.
public struct HTTPCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: HTTPCheckSpec

    public init(spec: CheckSpec, settings: HTTPCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "GET \(settings.url)" }
    public var urlTemplates: [String] { [settings.url] }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        guard let app = context.app else {
            transcript.cannotVerify("the app is not running (see the app step), so nothing could answer")
            return transcript.outcome(passing: "")
        }
        let url = app.url(settings.url)
        let answer: HTTPExchange
        do {
            answer = try await HTTPExchange.send("GET", url)
        } catch {
            transcript.cannotVerify("GET \(url) got no answer: \(error)")
            return transcript.outcome(passing: "")
        }
        transcript.observe("GET \(url)", expected: String(settings.status), actual: String(answer.status),
                           ok: answer.status == settings.status)
        if answer.status != settings.status {
            transcript.fail("GET \(url) answered \(answer.status), not \(settings.status)")
        }
        if let json = settings.json {
            let body = String(decoding: answer.body.prefix(300), as: UTF8.self)
            let matches = answer.matches(json)
            transcript.observe("JSON of GET \(url)", expected: JSONValue.object(json).compactText, actual: body, ok: matches)
            if !matches { transcript.fail("GET \(url) did not answer the expected JSON") }
        }
        return transcript.outcome(passing: "GET \(url) answered \(answer.status)" + (settings.json == nil ? "" : " with the expected JSON"))
    }
}
