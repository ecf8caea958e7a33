import COath
import Foundation

/// Time-based one-time passwords (RFC 6238) through liboath: what a known-good authenticator
/// shows for a secret at a given moment.
public enum TOTP {
    public enum Algorithm: Sendable, CaseIterable {
        case sha1, sha256, sha512

        var flags: Int32 {
            switch self {
            case .sha1: 0
            case .sha256: Int32(OATH_TOTP_HMAC_SHA256.rawValue)
            case .sha512: Int32(OATH_TOTP_HMAC_SHA512.rawValue)
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private static let initialised: Bool = oath_init() == OATH_OK.rawValue

    /// The code for `secret` (raw key bytes) at `time`.
    public static func code(secret: [UInt8], at time: Date, digits: Int = 6, period: Int = 30,
                            algorithm: Algorithm = .sha1) throws -> String {
        guard initialised else { throw Failure(description: "liboath could not be initialised") }
        guard (6...8).contains(digits) else { throw Failure(description: "a TOTP code has 6 to 8 digits, not \(digits)") }
        var output = [CChar](repeating: 0, count: 16)
        let status = secret.withUnsafeBufferPointer { key in
            key.baseAddress!.withMemoryRebound(to: CChar.self, capacity: key.count) { pointer in
                oath_totp_generate2(pointer, key.count, time_t(time.timeIntervalSince1970), UInt32(period), 0,
                                    UInt32(digits), algorithm.flags, &output)
            }
        }
        guard status == OATH_OK.rawValue else {
            throw Failure(description: "liboath could not compute the code: \(String(cString: oath_strerror(status)))")
        }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Raw key bytes from the base32 text authenticator apps are given (spaces and case ignored).
    public static func decodeBase32(_ text: String) throws -> [UInt8] {
        guard initialised else { throw Failure(description: "liboath could not be initialised") }
        let cleaned = text.replacingOccurrences(of: " ", with: "").uppercased()
        var output: UnsafeMutablePointer<CChar>? = nil
        var length = 0
        let status = oath_base32_decode(cleaned, cleaned.utf8.count, &output, &length)
        defer { free(output) }
        guard status == OATH_OK.rawValue, let output else {
            throw Failure(description: "the TOTP secret is not valid base32")
        }
        return (0..<length).map { UInt8(bitPattern: output[$0]) }
    }
}
