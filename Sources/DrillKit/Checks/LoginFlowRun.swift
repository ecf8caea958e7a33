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
            let url = app.url(Self.fill(step.url, values))
            let shown = "\(step.method) \(secrets.redact(url))"
            let answer: HTTPSession.Answer
            do {
                answer = try await session.send(step.method, url, body: Self.fill(step.body, values),
                                                headers: Dictionary(step.headers.map { ($0.0, Self.fill($0.1, values)) }, uniquingKeysWith: { $1 }))
            } catch {
                throw AppLogin.NotAttempted(description: "step \(index + 1) of the login flow, \(shown), got no answer: \(error)")
            }
            let statusOK = step.status.map { $0.contains(answer.status) } ?? (200..<400).contains(answer.status)
            let expected = step.status.map { $0.map(String.init).joined(separator: " or ") } ?? "2xx or 3xx"
            exchanges.append(Exchange(request: shown, expected: expected, status: answer.status, ok: statusOK))
            let atCode = index == flow.codeStepIndex
            guard statusOK else {
                return Stop(step: index, problem: "step \(index + 1) of the login flow, \(shown), answered \(answer.status), expected \(expected)"
                            + excerpt(of: answer), status: answer.status, atCode: atCode)
            }
            if let json = step.json, !HTTPExchange(status: answer.status, body: answer.body).matches(json) {
                return Stop(step: index, problem: "step \(index + 1) of the login flow, \(shown), answered \(answer.status) without "
                            + JSONValue.object(json).compactText, status: answer.status, atCode: atCode)
            }
            for (name, source) in step.captures {
                guard let value = Self.capture(source, from: answer, session: session) else {
                    return Stop(step: index, problem: "step \(index + 1) of the login flow, \(shown), answered \(answer.status) "
                                + "but \(name) was not in it (\(Self.describe(source)))", status: answer.status, atCode: atCode)
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

    /// `{{name}}` replaced where `values` has the name; anything else (`{{api:3000}}`) left for the app's address.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        var result = text
        for (name, value) in values { result = result.replacingOccurrences(of: "{{\(name)}}", with: value) }
        return result
    }

    static func fill(_ body: LoginFlowStep.Body?, _ values: [String: String]) -> HTTPSession.Body? {
        switch body {
        case .json(let value): .json(fill(value, values))
        case .form(let fields): .form(fields.map { ($0.0, fill($0.1, values)) })
        case nil: nil
        }
    }

    static func fill(_ value: JSONValue, _ values: [String: String]) -> JSONValue {
        switch value {
        case .string(let text): .string(fill(text, values))
        case .array(let items): .array(items.map { fill($0, values) })
        case .object(let fields): .object(fields.mapValues { fill($0, values) })
        default: value
        }
    }
}
