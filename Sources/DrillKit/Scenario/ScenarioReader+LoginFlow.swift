import Foundation

extension ScenarioReader {
    /// `flow: [{ method, url, json | form, headers, capture, status, expect_json }]`.
    func readLoginFlow(_ value: ScenarioValue) -> LoginFlowSpec? {
        guard let elements = list(value) else { return nil }
        guard !elements.isEmpty else {
            report("\(value.displayPath) is empty: expected at least one request", at: value.problemLocation)
            return nil
        }
        var known: Set<String> = ["email", "password", "totp"]
        var steps: [LoginFlowStep] = []
        var valid = true
        for element in elements {
            guard let step = readLoginFlowStep(element, known: known) else { valid = false; continue }
            for name in step.captures.map(\.name) where ["email", "password", "totp"].contains(name) {
                report("capture '\(name)' \(element.placeDescription) would hide {{\(name)}}, the drill account's own: name it otherwise",
                       at: element.problemLocation)
                valid = false
            }
            known.formUnion(step.captures.map(\.name))
            steps.append(step)
        }
        guard valid else { return nil }
        let flow = LoginFlowSpec(steps: steps)
        guard let code = flow.codeStepIndex else {
            report("\(value.displayPath) never sends {{totp}}: a login flow proves the TOTP secrets decrypt only if one of its requests "
                   + "sends the code", at: value.problemLocation)
            return nil
        }
        // Many apps answer a wrong code with 200 (the form again) or a 302 back to the login:
        // "any 2xx or 3xx" cannot tell a refusal from a success there.
        if steps[code].status == nil && steps[code].json == nil {
            report("\(value.displayPath)[\(code)] sends {{totp}} but says neither 'status' nor 'expect_json': give what only a "
                   + "successful login answers (e.g. status: 200, or expect_json: { token: … }), since many apps answer a wrong code with 200 or a redirect",
                   at: elements[code].problemLocation)
            return nil
        }
        return flow
    }

    private func readLoginFlowStep(_ value: ScenarioValue, known: Set<String>) -> LoginFlowStep? {
        guard let step = mapping(value, allowed: ["method", "url", "json", "form", "headers", "capture", "status", "expect_json"]) else { return nil }
        let method = step["method"].flatMap(readMethod)
        let url = required("url", in: step).flatMap(string)
        var body: LoginFlowStep.Body?
        var bodyValid = true
        switch exactlyOne(of: ["json", "form"], in: step, required: false) {
        case "json"?:
            if let object = step["json"].flatMap(readJSONObject) { body = .json(.object(object)) } else { bodyValid = false }
        case "form"?:
            if let fields = step["form"].flatMap(readTextFields) { body = .form(fields) } else { bodyValid = false }
        default:
            bodyValid = step["json"] == nil && step["form"] == nil
        }
        let headers = step["headers"].map(readTextFields) ?? []
        let captures = step["capture"].map(readCaptures) ?? []
        let status = step["status"].flatMap(readStatuses)
        let expectJSON = step["expect_json"].flatMap(readJSONObject)
        guard let url, bodyValid, let headers, let captures, step["method"] == nil || method != nil,
              step["status"] == nil || status != nil, step["expect_json"] == nil || expectJSON != nil else { return nil }
        let flowStep = LoginFlowStep(method: method ?? (body == nil ? "GET" : "POST"), url: url, body: body, headers: headers,
                                     captures: captures, status: status, json: expectJSON)
        guard literalSecretsAbsent(flowStep, at: value), placeholdersKnown(flowStep, known: known, at: value) else { return nil }
        return flowStep
    }

    private func readMethod(_ value: ScenarioValue) -> String? {
        guard let method = string(value)?.uppercased() else { return nil }
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        guard methods.contains(method) else {
            report("invalid method '\(method)' for \(value.displayPath): expected one of \(methods.joined(separator: ", "))", at: value.problemLocation)
            return nil
        }
        return method
    }

    /// `{ name: text }` in file order (form fields, headers).
    private func readTextFields(_ value: ScenarioValue) -> [(String, String)]? {
        guard let entries = dataEntries(value) else { return nil }
        let fields = entries.map { entry in scalarText(entry.value, expected: "text").map { (entry.key, $0) } }
        return fields.contains { $0 == nil } ? nil : fields.compactMap { $0 }
    }

    /// `capture: { csrf: { html: 'name="csrf_token" value="([^"]+)"' }, token: { json: response.token } }`.
    private func readCaptures(_ value: ScenarioValue) -> [(name: String, source: LoginFlowStep.Source)]? {
        guard let entries = dataEntries(value) else { return nil }
        let captures = entries.map { entry -> (name: String, source: LoginFlowStep.Source)? in
            guard let source = mapping(entry.value, allowed: ["json", "header", "cookie", "html"]),
                  let kind = exactlyOne(of: ["json", "header", "cookie", "html"], in: source),
                  let text = source[kind].flatMap(string) else { return nil }
            switch kind {
            case "json": return (entry.key, .json(text.split(separator: ".").map(String.init)))
            case "header": return (entry.key, .header(text))
            case "cookie": return (entry.key, .cookie(text))
            default:
                guard let expression = try? NSRegularExpression(pattern: text), expression.numberOfCaptureGroups >= 1 else {
                    report("\(entry.value.displayPath).html must be a regular expression with one group around the value, "
                           + "e.g. 'name=\"csrf_token\" value=\"([^\"]+)\"'", at: entry.value.problemLocation)
                    return nil
                }
                return (entry.key, .html(text))
            }
        }
        return captures.contains { $0 == nil } ? nil : captures.compactMap { $0 }
    }

    private func readStatuses(_ value: ScenarioValue) -> [Int]? {
        if case .sequence = value.node {
            guard let elements = list(value) else { return nil }
            let statuses = elements.map(integer)
            return statuses.contains { $0 == nil } ? nil : statuses.compactMap { $0 }
        }
        return integer(value).map { [$0] }
    }

    /// A field that names a secret (`password`, `token`) must send a placeholder: a value
    /// written in the scenario would be a secret in a committed file.
    private func literalSecretsAbsent(_ step: LoginFlowStep, at value: ScenarioValue) -> Bool {
        var fields = step.headers
        switch step.body {
        case .form(let form): fields += form
        case .json(let json): fields += Self.stringMembers(json)
        default: break
        }
        let words = Self.secretWords + ["authorization", "cookie", "api-key", "apikey"]
        for (name, text) in fields where words.contains(where: name.lowercased().contains) && !text.contains("{{") {
            report("inline secret '\(name)' \(value.placeDescription): secrets are never written in a scenario; "
                   + "send \(LoginFlowStep.passwordPlaceholder) (from password_env) or a value captured from an earlier answer", at: value.problemLocation)
            return false
        }
        return true
    }

    /// Every string member of a JSON value with its key, however deep.
    private static func stringMembers(_ value: JSONValue) -> [(String, String)] {
        switch value {
        case .object(let fields):
            fields.flatMap { key, member -> [(String, String)] in
                if case .string(let text) = member { return [(key, text)] }
                return stringMembers(member)
            }
        case .array(let items): items.flatMap(stringMembers)
        default: []
        }
    }

    private func placeholdersKnown(_ step: LoginFlowStep, known: Set<String>, at value: ScenarioValue) -> Bool {
        var texts = [step.url] + step.headers.map(\.1)
        switch step.body {
        case .json(let json): texts.append(json.compactText)
        case .form(let fields): texts += fields.map(\.1)
        case nil: break
        }
        let names = texts.flatMap { text in text.matches(of: /\{\{([^}:]+)\}\}/).map { String($0.1) } }
        for name in names where !known.contains(name) {
            report("unknown placeholder {{\(name)}} \(value.placeDescription): use {{email}}, {{password}}, {{totp}} "
                   + "or a name an earlier request captures", at: value.problemLocation,
                   suggestion: SpellingSuggestion.closest(to: name, among: Array(known)))
            return false
        }
        return true
    }
}
