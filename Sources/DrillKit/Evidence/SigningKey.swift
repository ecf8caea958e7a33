import Crypto
import CryptoExtras
import Foundation


/// The operator's Ed25519 key that seals every drill's reports. It comes from a file or the
/// environment, never from a scenario, so whoever can edit a scenario cannot sign with it.
public struct SigningKey: Sendable {
    public static let fileEnvironmentVariable = "RESTORE_DRILL_SIGNING_KEY_FILE"
    /// The PEM text itself: the natural shape of a CI secret.
    public static let textEnvironmentVariable = "RESTORE_DRILL_SIGNING_KEY"

    let privateKey: Curve25519.Signing.PrivateKey

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }
    public var keyID: String { SigningKey.keyID(of: publicKey) }

    init(privateKey: Curve25519.Signing.PrivateKey) { self.privateKey = privateKey }

    /// First 16 hex digits of SHA-256 over the raw public key: short enough to read aloud,
    /// long enough that two keys never share one by accident.
    public static func keyID(of publicKey: Curve25519.Signing.PublicKey) -> String {
        String(SHA256.hash(data: publicKey.rawRepresentation).hexString.prefix(16))
    }

    public static func generate() -> SigningKey { SigningKey(privateKey: .init()) }

    public var privatePEM: String { privateKey.pemRepresentation + "\n" }
    public var publicPEM: String { publicKey.pemRepresentation + "\n" }

    public func sign(_ message: Data) throws -> Data { try privateKey.signature(for: message) }

    /// The key to sign with: `--signing-key FILE` first, then the two environment variables.
    /// nil when none is given: the reports are then written unsigned and say so.
    public static func resolve(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SigningKey? {
        if let file { return try load(file: file) }
        if let text = environment[textEnvironmentVariable], !text.isEmpty {
            return try parse(pem: text, origin: "$\(textEnvironmentVariable)")
        }
        if let file = environment[fileEnvironmentVariable], !file.isEmpty { return try load(file: file) }
        return nil
    }

    /// Refuses a key file others can read, as ssh does: a signature is only worth as much as
    /// the secrecy of the key behind it.
    public static func load(file: String) throws -> SigningKey {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: file)
        } catch {
            throw EvidenceError(description: "signing key \(file): cannot read it (\(error.localizedDescription)); create one with `restore-drill keygen --out \(file)`")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        if mode & 0o077 != 0 {
            throw EvidenceError(description: "signing key \(file): readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(file)`")
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw EvidenceError(description: "signing key \(file): not a text file; expected the PEM that `restore-drill keygen` writes")
        }
        return try parse(pem: text, origin: file)
    }

    static func parse(pem: String, origin: String) throws -> SigningKey {
        do {
            return SigningKey(privateKey: try .init(pemRepresentation: pem))
        } catch {
            throw EvidenceError(description: "signing key \(origin): not an Ed25519 private key in PEM (\"-----BEGIN PRIVATE KEY-----\"); create one with `restore-drill keygen`")
        }
    }

    /// Writes the private key (0600, never over an existing file) and its public half beside
    /// it as `<name>.pub.pem`. Returns the public key's path.
    @discardableResult
    public func write(privateKeyTo path: String) throws -> String {
        let publicPath = SigningKey.publicKeyPath(for: path)
        for existing in [path, publicPath] where FileManager.default.fileExists(atPath: existing) {
            throw EvidenceError(description: "\(existing) already exists; keygen never overwrites a key (move it away first if you mean to replace it)")
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw EvidenceError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: Data(privatePEM.utf8))
        try handle.close()
        try Data(publicPEM.utf8).write(to: URL(fileURLWithPath: publicPath))
        return publicPath
    }

    /// `drill-signing.pem` → `drill-signing.pub.pem`.
    public static func publicKeyPath(for privatePath: String) -> String {
        let base = privatePath.hasSuffix(".pem") ? String(privatePath.dropLast(4)) : privatePath
        return base + ".pub.pem"
    }
}

/// A public key an auditor trusts, from the `.pub.pem` keygen wrote.
public struct TrustedKey: Sendable {
    public var publicKey: Curve25519.Signing.PublicKey
    public var keyID: String { SigningKey.keyID(of: publicKey) }

    public init(publicKey: Curve25519.Signing.PublicKey) { self.publicKey = publicKey }

    public static func load(file: String) throws -> TrustedKey {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw EvidenceError(description: "public key \(file): cannot read it")
        }
        do {
            return TrustedKey(publicKey: try .init(pemRepresentation: text))
        } catch {
            throw EvidenceError(description: "public key \(file): not an Ed25519 public key in PEM (\"-----BEGIN PUBLIC KEY-----\"); use the .pub.pem that `restore-drill keygen` wrote")
        }
    }
}
