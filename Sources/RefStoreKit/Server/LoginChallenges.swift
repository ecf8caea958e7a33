import Foundation

/// The browser-style logins in flight: a session cookie bound to its CSRF token, and, once
/// the password was accepted, the account waiting for its code. In memory only, five minutes.
actor LoginChallenges {
    struct Pending {
        var csrf: String
        var account: Handlers.Account?
        var expires: ContinuousClock.Instant
    }

    static let lifetime: Duration = .seconds(5 * 60)
    private var pending: [String: Pending] = [:]

    func open() -> (session: String, csrf: String) {
        let session = Self.randomHex(), csrf = Self.randomHex()
        pending = pending.filter { $0.value.expires > .now }
        pending[session] = Pending(csrf: csrf, expires: .now + Self.lifetime)
        return (session, csrf)
    }

    func lookUp(_ session: String) -> Pending? {
        guard let found = pending[session], found.expires > .now else { return nil }
        return found
    }

    func passwordAccepted(_ session: String, account: Handlers.Account) {
        pending[session]?.account = account
    }

    func close(_ session: String) {
        pending[session] = nil
    }

    private static func randomHex() -> String {
        (0..<24).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }
}
