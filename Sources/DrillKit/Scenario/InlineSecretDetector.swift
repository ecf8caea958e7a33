/// Recognises text that is a secret itself rather than a reference to one. Scenarios are
/// committed, attached to CI logs and shown to auditors, so a pasted key must stop the load
/// wherever it appears, not only under the keys meant for secrets.
enum InlineSecretDetector {
    /// What kind of secret the text looks like, for the error message; nil when it looks harmless.
    /// Never returns any part of the text: the diagnostic must not repeat the secret.
    static func kindOfSecret(in text: String) -> String? {
        if text.contains("AGE-SECRET-KEY-1") { return "an age secret key" }
        if text.contains("-----BEGIN"), text.contains("PRIVATE KEY") { return "a PEM private key" }
        if containsURLWithPassword(text) { return "a URL with a password" }
        if containsConnectionStringPassword(text) { return "a connection string with a password" }
        if let prefix = tokenPrefixes.first(where: { text.hasPrefix($0) }) { return "an API token (\(prefix)…)" }
        return nil
    }

    private static let tokenPrefixes = ["sk_live_", "rk_live_", "ghp_", "github_pat_", "glpat-", "xoxb-", "xoxp-"]

    /// `postgres://user:pw@host`. A `${VAR}` in the password place is a reference, not a secret.
    private static func containsURLWithPassword(_ text: String) -> Bool {
        for match in text.matches(of: /[A-Za-z][A-Za-z0-9+.\-]*:\/\/[^\/\s:@]*:(?<password>[^\/\s@]+)@/) {
            if match.output.password.wholeMatch(of: /\$\{[A-Za-z_][A-Za-z0-9_]*\}/) == nil { return true }
        }
        return false
    }

    /// libpq keyword form, `host=db user=app password=pw`. Requires a second connection keyword
    /// so that SQL such as `WHERE password = $1` is not mistaken for one.
    private static func containsConnectionStringPassword(_ text: String) -> Bool {
        text.contains(/(^|\s)password=[^\s'"$]/) && text.contains(/(^|\s)(host|dbname|user|port)=\S/)
    }
}
