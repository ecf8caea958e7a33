import Foundation

/// Bearer tokens handed out at login, held in memory only: a restarted server forgets them,
/// which is what a drill's fresh boot wants.
actor SessionTokens {
    static let lifetime: Duration = .seconds(15 * 60)
    private var expiries: [String: ContinuousClock.Instant] = [:]

    func issue(forUser id: Int64) -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        expiries[token] = .now + Self.lifetime
        return token
    }

    func isValid(_ token: String) -> Bool {
        guard let expiry = expiries[token] else { return false }
        if expiry < .now {
            expiries[token] = nil
            return false
        }
        return true
    }
}
