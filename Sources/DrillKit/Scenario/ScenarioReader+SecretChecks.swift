extension ScenarioReader {
    /// Ciphers the secret_decrypt check knows the layout of (documented in the README).
    static let supportedCiphers = ["aes-256-gcm"]

    func readTOTPLogin(_ value: ScenarioValue) -> TOTPLoginCheckSpec? {
        guard let login = mapping(value, allowed: ["url", "email", "flow"], secretSlots: ["password", "secret"]) else { return nil }
        // One request (`url`), or the requests a real app's login takes (`flow`).
        let form = exactlyOne(of: ["url", "flow"], in: login)
        let url = form == "url" ? login["url"].flatMap(string) : nil
        let flow = form == "flow" ? login["flow"].flatMap(readLoginFlow) : nil
        let email = required("email", in: login).flatMap(string)
        let password = secretReference("password", in: login)
        let secret = secretReference("secret", in: login)
        guard url != nil || flow != nil, let email, let password, let secret else { return nil }
        return TOTPLoginCheckSpec(url: url ?? flow?.steps.first?.url ?? "", email: email, password: password, secret: secret, flow: flow)
    }

    func readTestOrder(_ value: ScenarioValue) -> TestOrderCheckSpec? {
        guard let order = mapping(value, allowed: ["login_url", "flow", "orders_url", "email", "order", "invoice_number", "total_sql"],
                                  secretSlots: ["password", "secret"]) else { return nil }
        let form = exactlyOne(of: ["login_url", "flow"], in: order)
        let loginURL = form == "login_url" ? order["login_url"].flatMap(string) : nil
        let flow = form == "flow" ? order["flow"].flatMap(readLoginFlow) : nil
        let ordersURL = required("orders_url", in: order).flatMap(string)
        let email = required("email", in: order).flatMap(string)
        let password = secretReference("password", in: order)
        let secret = secretReference("secret", in: order)
        let body = required("order", in: order).flatMap(readJSONObject)
        let invoiceNumber = order["invoice_number"].flatMap(readColumnReference)
        let totalSQL = order["total_sql"].flatMap(string)
        guard loginURL != nil || flow != nil, let ordersURL, let email, let password, let secret, let body else { return nil }
        return TestOrderCheckSpec(loginURL: loginURL ?? flow?.steps.first?.url ?? "", ordersURL: ordersURL, email: email, password: password, secret: secret,
                                  order: body, invoiceNumber: invoiceNumber ?? ColumnReference(table: "invoices", column: "number"),
                                  totalSQL: totalSQL, flow: flow)
    }

    func readSecretDecrypt(_ value: ScenarioValue) -> SecretDecryptCheckSpec? {
        guard let decrypt = mapping(value, allowed: ["sql", "cipher"], secretSlots: ["secret"]) else { return nil }
        let sql = required("sql", in: decrypt).flatMap(string)
        let cipher = decrypt["cipher"].flatMap(readCipher)
        let secret = secretReference("secret", in: decrypt)
        guard let sql, let secret else { return nil }
        return SecretDecryptCheckSpec(sql: sql, cipher: cipher ?? Self.supportedCiphers[0], secret: secret)
    }

    private func readCipher(_ value: ScenarioValue) -> String? {
        guard let cipher = string(value) else { return nil }
        guard Self.supportedCiphers.contains(cipher) else {
            report("invalid value '\(cipher)' for \(value.displayPath): expected one of \(Self.supportedCiphers.joined(separator: ", "))",
                   at: value.location, suggestion: SpellingSuggestion.closest(to: cipher, among: Self.supportedCiphers))
            return nil
        }
        return cipher
    }

    /// The canary's expected token is a secret too: it is compared, never reported.
    func readCanary(_ value: ScenarioValue) -> CanaryCheckSpec? {
        guard let canary = mapping(value, allowed: ["query"], secretSlots: ["value"]) else { return nil }
        let query = required("query", in: canary).flatMap(string)
        let expected = secretReference("value", in: canary)
        guard let query, let expected else { return nil }
        return CanaryCheckSpec(query: query, value: expected)
    }
}
