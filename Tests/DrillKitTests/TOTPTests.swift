import Foundation
import Testing
@testable import DrillKit

/// RFC 6238, Appendix B: the published test vectors, 8 digits, 30-second steps.
@Suite struct TOTPTests {
    static let seeds: [TOTP.Algorithm: [UInt8]] = [
        .sha1: Array("12345678901234567890".utf8),
        .sha256: Array("12345678901234567890123456789012".utf8),
        .sha512: Array("1234567890123456789012345678901234567890123456789012345678901234".utf8),
    ]

    static let vectors: [(time: TimeInterval, sha1: String, sha256: String, sha512: String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    @Test(arguments: vectors.indices)
    func matchesRFC6238Vectors(index: Int) throws {
        let vector = Self.vectors[index]
        let time = Date(timeIntervalSince1970: vector.time)
        #expect(try TOTP.code(secret: Self.seeds[.sha1]!, at: time, digits: 8, algorithm: .sha1) == vector.sha1)
        #expect(try TOTP.code(secret: Self.seeds[.sha256]!, at: time, digits: 8, algorithm: .sha256) == vector.sha256)
        #expect(try TOTP.code(secret: Self.seeds[.sha512]!, at: time, digits: 8, algorithm: .sha512) == vector.sha512)
    }

    @Test func aDifferentSecretOrStepGivesADifferentCode() throws {
        let time = Date(timeIntervalSince1970: 59)
        let good = try TOTP.code(secret: Self.seeds[.sha1]!, at: time, digits: 8)
        #expect(try TOTP.code(secret: Array("12345678901234567891".utf8), at: time, digits: 8) != good)
        #expect(try TOTP.code(secret: Self.seeds[.sha1]!, at: time.addingTimeInterval(30), digits: 8) != good)
    }

    @Test func base32SecretsDecodeAndBadOnesAreRefused() throws {
        // "12345678901234567890" in base32, as an authenticator app would be given it.
        #expect(try TOTP.decodeBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == Self.seeds[.sha1]!)
        #expect(try TOTP.decodeBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == Self.seeds[.sha1]!)
        #expect(throws: TOTP.Failure.self) { try TOTP.decodeBase32("not base32 !!") }
        #expect(throws: TOTP.Failure.self) { try TOTP.code(secret: Self.seeds[.sha1]!, at: Date(), digits: 4) }
    }
}
