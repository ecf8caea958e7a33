/// `flow:` under `totp_login` and `test_order`: the requests a real app's login takes, in
/// order, with one cookie jar across them. A password answered with a challenge and the code
/// taken by a second request (Flask-Security's `tf_state`), a form that needs the CSRF token
/// its page carries: each step may capture a value the next one sends.
///
/// Placeholders in a step's URL, body values and headers: `{{email}}`, `{{password}}` and
/// `{{totp}}` (the drill account's login, password and the code its known-good authenticator
/// shows now), and
/// `{{NAME}}` for a value captured by an earlier step. `{{service:port}}` addresses as in
/// `app.ready`.
public struct LoginFlowSpec: Sendable {
    public var steps: [LoginFlowStep]

    public init(steps: [LoginFlowStep]) {
        self.steps = steps
    }

    /// The step that sends the code: where a refusal says the master key likely does not match.
    public var codeStepIndex: Int? { steps.lastIndex { $0.mentions(LoginFlowStep.totpPlaceholder) } }
}

public struct LoginFlowStep: Sendable {
    public static let passwordPlaceholder = "{{password}}"
    public static let totpPlaceholder = "{{totp}}"

    public enum Body: Sendable {
        case json(JSONValue)
        case form([(String, String)])
    }

    /// Where a captured value is read from.
    public enum Source: Sendable, Equatable {
        /// A dotted path into the JSON answer (`response.csrf_token`, `items.0.id`).
        case json([String])
        /// A response header, by name.
        case header(String)
        /// A cookie the answer set (or the jar holds).
        case cookie(String)
        /// The first group of a regular expression over the answer's text (a CSRF token in a form).
        case html(String)
    }

    public var method: String
    public var url: String
    public var body: Body?
    public var headers: [(String, String)]
    public var captures: [(name: String, source: Source)]
    /// Statuses that let the flow go on; default any 2xx or 3xx.
    public var status: [Int]?
    /// A JSON subset the answer must hold.
    public var json: [String: JSONValue]?

    public init(method: String, url: String, body: Body? = nil, headers: [(String, String)] = [],
                captures: [(name: String, source: Source)] = [], status: [Int]? = nil, json: [String: JSONValue]? = nil) {
        self.method = method
        self.url = url
        self.body = body
        self.headers = headers
        self.captures = captures
        self.status = status
        self.json = json
    }

    /// True when the step sends `placeholder` anywhere.
    func mentions(_ placeholder: String) -> Bool {
        var texts = [url] + headers.map(\.1)
        switch body {
        case .json(let value): texts.append(value.compactText)
        case .form(let fields): texts += fields.map(\.1)
        case nil: break
        }
        return texts.contains { $0.contains(placeholder) }
    }
}
