import DrillKit
import Foundation

/// Accepts the code for now and one 30-second step either side: an authenticator and a
/// server a few seconds apart must still agree.
enum TOTPVerifier {
    static func accepts(_ code: String, secret base32: String, at time: Date) -> Bool {
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber),
              let key = try? TOTP.decodeBase32(base32) else { return false }
        return [-30.0, 0, 30].contains { offset in
            (try? TOTP.code(secret: key, at: time.addingTimeInterval(offset))) == code
        }
    }
}
