import Crypto
import Foundation

/// The application's 32-byte master key: it encrypts every stored TOTP secret. Loaded from
/// `MASTER_KEY` (base64) or a key file holding the same base64 text; the value itself never
/// appears in an error, a log line or a report.
public struct MasterKey: Sendable {
    public static let byteCount = 32
    public static let environmentVariable = "MASTER_KEY"
    public static let defaultFile = "/data/master.key"

    let symmetricKey: SymmetricKey

    public init(bytes: [UInt8]) throws(MasterKeyError) {
        guard bytes.count == Self.byteCount else { throw .wrongLength(bytes.count, source: "the given bytes") }
        symmetricKey = SymmetricKey(data: bytes)
    }

    /// Keys that mean "nobody set one": all zero, one byte repeated, counting bytes, the
    /// ASCII digits-and-letters placeholder. Production refuses them.
    static func isKnownDefault(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return true }
        if bytes.allSatisfy({ $0 == first }) { return true }
        if bytes == Array(0..<UInt8(Self.byteCount)) { return true }
        return bytes == Array("0123456789abcdef0123456789abcdef".utf8)
    }

    /// From `MASTER_KEY` when set, else from `file`. `production` refuses an all-zero or
    /// known-default key; elsewhere such a key is accepted so tests can use a fixed one.
    public static func load(environment: [String: String], file: String, production: Bool) throws(MasterKeyError) -> MasterKey {
        let text: String
        let source: String
        if let value = environment[environmentVariable] {
            text = value
            source = "the environment"
        } else {
            guard FileManager.default.fileExists(atPath: file) else { throw .missing(file: file) }
            guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(file: file) }
            text = String(decoding: data, as: UTF8.self)
            source = "the key file \(file)"
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty(source: source) }
        guard let decoded = Data(base64Encoded: trimmed) else { throw .notBase64(source: source) }
        let bytes = [UInt8](decoded)
        guard bytes.count == byteCount else { throw .wrongLength(bytes.count, source: source) }
        if production {
            if bytes.allSatisfy({ $0 == 0 }) { throw .allZero(source: source) }
            if isKnownDefault(bytes) { throw .knownDefault(source: source) }
        }
        return try MasterKey(bytes: bytes)
    }
}

/// Why a master key was refused, worded for the one log line the app prints before exiting.
public enum MasterKeyError: Error, Equatable, CustomStringConvertible {
    case missing(file: String)
    case unreadable(file: String)
    case empty(source: String)
    case notBase64(source: String)
    case wrongLength(Int, source: String)
    case allZero(source: String)
    case knownDefault(source: String)

    public var description: String {
        switch self {
        case .missing(let file):
            "MASTER_KEY is not set and there is no key file at \(file): install the master key (base64 of 32 bytes)"
        case .unreadable(let file):
            "MASTER_KEY is not set and the key file \(file) cannot be read: check its owner and mode (0600)"
        case .empty(let source):
            "MASTER_KEY from \(source) is empty: it must be the base64 of 32 random bytes"
        case .notBase64(let source):
            "MASTER_KEY from \(source) is not valid base64: it must be the base64 of 32 random bytes"
        case .wrongLength(let count, let source):
            "MASTER_KEY from \(source) decodes to \(count) bytes, not \(MasterKey.byteCount)"
        case .allZero(let source):
            "MASTER_KEY from \(source) is all zero bytes: production refuses a placeholder key"
        case .knownDefault(let source):
            "MASTER_KEY from \(source) is a known default or placeholder: production refuses it"
        }
    }
}
