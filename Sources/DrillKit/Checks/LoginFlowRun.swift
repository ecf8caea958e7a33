import Foundation

/// A login flow run through the booted app: each step's placeholders filled in, its answer
/// judged, its captures taken for the next, one cookie jar across them all. Every value the
/// flow sends or captures is remembered as a secret, so no report shows it.
struct LoginFlowRun {
    struct Exchange {
        var request: String
        var expected: String
        var status: Int
        var ok: Bool
    }

    /// Why the flow stopped: at which step, in words, and whether that step sent the code.
    struct Stop {
        var step: Int
        var problem: String
        var status: Int
        var atCode: Bool

        /// The problem, and what a refusal of the code itself (a 4xx once the password was
        /// taken) most likely means.
        var explanation: String {
            guard atCode, (400..<500).contains(status) else { return problem }
            return problem + ": the code from the known-good authenticator was refused; " + AppLogin.refusedExplanation
        }
    }

    let flow: LoginFlowSpec
    let app: AppAddress
    let secrets: SecretStore
    let session = HTTPSession()
    private(set) var captured: [String: String] = [:]
    private(set) var exchanges: [Exchange] = []

    init(flow: LoginFlowSpec, app: AppAddress, secrets: SecretStore) {
        self.flow = flow
        self.app = app
        self.secrets = secrets
    }

    /// Runs every step; nil when each answered as expected, else where it stopped. The
    /// password and the code are read here, the code as late as the step that sends it.
    mutating func run(email: String, password: SecretReference, secret: SecretReference) async throws(AppLogin.NotAttempted) -> Stop? {
        let passwordValue: String
        do {
            passwordValue = try secrets.value(of: password)
        } catch {
            throw AppLogin.NotAttempted(description: "\(error)")
        }
        for (index, step) in flow.steps.enumerated() {
            var values = captured
            values["password"] = passwordValue
            values["email"] = email
            if step.mentions(LoginFlowStep.totpPlaceholder) {
                do {
                    let code = try TOTP.code(secret: try TOTP.decodeBase32(try secrets.value(of: secret)), at: Date())
                    secrets.remember(code)
                    values["totp"] = code
                } catch {
                    throw AppLogin.NotAttempted(description: "\(error)")
                }
            }
            // Addresses first, on the scenario's text; then each placeholder once, so a value
            // that happens to hold `{{…}}` is sent as it is. Values in a URL are percent-encoded.
            let url = Self.fill(app.url(step.url), values, encode: true)
            let shown = "\(step.method) \(secrets.redact(url))"
            let answer: HTTPSession.Answer
            do {
                answer = try await session.send(step.method, url, body: Self.fill(step.body, values, app: app),
                                                headers: Dictionary([("Accept", "application/json, text/html;q=0.9, */*;q=0.8")]
                                                                        + step.headers.map { ($0.0, Self.fill(app.url($0.1), values)) }, uniquingKeysWith: { $1 }))
                for cookie in session.cookies { secrets.remember(cookie.value) }
            } catch {
                throw AppLogin.NotAttempted(description: "step \(index + 1) of the login flow, \(shown), got no answer: \(error)")
            }
            let statusOK = step.status.map { $0.contains(answer.status) } ?? (200..<400).contains(answer.status)
            let expected = step.status.map { $0.map(String.init).joined(separator: " or ") } ?? "2xx or 3xx"
            exchanges.append(Exchange(request: shown, expected: expected, status: answer.status, ok: statusOK))
            // A step that stops the flow for its JSON or a capture is not a green row either.
            func stopped(_ stop: Stop) -> Stop {
                exchanges[exchanges.count - 1].ok = false
                return stop
            }
            let atCode = index == flow.codeStepIndex
            guard statusOK else {
                return Stop(step: index, problem: "step \(index + 1) of the login flow, \(shown), answered \(answer.status), expected \(expected)"
                            + excerpt(of: answer), status: answer.status, atCode: atCode)
            }
            if let json = step.json, !HTTPExchange(status: answer.status, body: answer.body).matches(json) {
                return stopped(Stop(step: index, problem: "step \(index + 1) of the login flow, \(shown), answered \(answer.status) without "
                                    + JSONValue.object(json).compactText, status: answer.status, atCode: atCode))
            }
            for (name, source) in step.captures {
                guard let value = Self.capture(source, from: answer, session: session) else {
                    return stopped(Stop(step: index, problem: "step \(index + 1) of the login flow, \(shown), answered \(answer.status) "
                                        + "but \(name) was not in it (\(Self.describe(source)))", status: answer.status, atCode: atCode))
                }
                secrets.remember(value)
                captured[name] = value
            }
        }
        return nil
    }

    /// What the app said, for the operator: an error answer's JSON, its first 240 characters
    /// on one line, with everything the flow sent or captured redacted. A success or an HTML
    /// page is never quoted: either can carry a token the flow did not capture.
    private func excerpt(of answer: HTTPSession.Answer) -> String {
        guard answer.status >= 400, answer.json != nil else { return "" }
        let line = ControlCharacters.singleLine(secrets.redact(answer.text)).trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty else { return "" }
        return " (it said: \(line.count > 240 ? line.prefix(240) + "…" : line))"
    }

    /// Runs the flow for a check: its requests recorded, a flow that could not be tried told as
    /// such, a refusal told as a failure after `failurePrefix`. True when the account is in.
    mutating func logIn(email: String, password: SecretReference, secret: SecretReference, into transcript: CheckTranscript,
                        failurePrefix: String = "") async -> Bool {
        let stop: Stop?
        do {
            stop = try await run(email: email, password: password, secret: secret)
        } catch {
            record(in: transcript)
            transcript.cannotVerify(error.description)
            return false
        }
        record(in: transcript)
        if let stop { transcript.fail(failurePrefix + stop.explanation) }
        return stop == nil
    }

    /// Each request as an observation of the check: what it answered against what it had to.
    func record(in transcript: CheckTranscript) {
        for exchange in exchanges {
            transcript.observe(exchange.request, expected: exchange.expected, actual: String(exchange.status), ok: exchange.ok)
        }
    }

    static func capture(_ source: LoginFlowStep.Source, from answer: HTTPSession.Answer, session: HTTPSession) -> String? {
        switch source {
        case .header(let name):
            return answer.headers[name.lowercased()]
        case .cookie(let name):
            return session.cookie(name)
        case .html(let pattern):
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
            let text = answer.text
            guard let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), match.numberOfRanges > 1,
                  let range = Range(match.range(at: 1), in: text) else { return nil }
            return String(text[range])
        case .json(let path):
            var value: Any? = answer.json
            for key in path {
                if let object = value as? [String: Any] { value = object[key] }
                else if let array = value as? [Any], let position = Int(key), array.indices.contains(position) { value = array[position] }
                else { return nil }
            }
            switch value {
            case let text as String: return text
            case let number as NSNumber: return number.stringValue
            default: return nil
            }
        }
    }

    static func describe(_ source: LoginFlowStep.Source) -> String {
        switch source {
        case .json(let path): "JSON " + path.joined(separator: ".")
        case .header(let name): "header " + name
        case .cookie(let name): "cookie " + name
        case .html(let pattern): "pattern " + pattern
        }
    }

    /// Each `{{name}}` that `values` has replaced once, left to right; anything else left as
    /// written. `encode` percent-encodes the values (they go into a URL).
    static func fill(_ text: String, _ values: [String: String], encode: Bool = false) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let name = String(rest[open.upperBound..<close.lowerBound])
            if let value = values[name] {
                result += encode ? (value.addingPercentEncoding(withAllowedCharacters: .urlUnreserved) ?? value) : value
            } else {
                result += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    static func fill(_ body: LoginFlowStep.Body?, _ values: [String: String], app: AppAddress) -> HTTPSession.Body? {
        switch body {
        case .json(let value): .json(fill(value, values, app: app))
        case .form(let fields): .form(fields.map { ($0.0, fill(app.url($0.1), values)) })
        case nil: nil
        }
    }

    static func fill(_ value: JSONValue, _ values: [String: String], app: AppAddress) -> JSONValue {
        switch value {
        case .string(let text): .string(fill(app.url(text), values))
        case .array(let items): .array(items.map { fill($0, values, app: app) })
        case .object(let fields): .object(fields.mapValues { fill($0, values, app: app) })
        default: value
        }
    }
}

extension CharacterSet {
    /// RFC 3986's unreserved characters: what a value may keep unencoded in any part of a URL.
    static let urlUnreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
