import Crypto
import Foundation

/// The application's master key as a drill installs it: read from where the scenario says,
/// decrypted with the real `age` or `gpg` when it is protected, checked for shape without being shown,
/// and handed to the app as a 0600 file or an environment variable.
public struct InstalledMasterKey: Sendable {
    public static let byteCount = 32

    /// Raw key bytes, for `secret_decrypt`.
    public var bytes: [UInt8]
    /// `MASTER_KEY=…` when installed as a variable.
    public var environment: [String: String]
    /// The 0600 file, when installed as one; removed at teardown.
    public var file: String?
    /// A key id safe to print: the first 8 bytes of the key's SHA-256, in hex.
    public var fingerprint: String
}

public struct MasterKeyFailure: Error, CustomStringConvertible {
    public var description: String
}

public enum MasterKeyInstaller {
    /// `workDirectory` is the throwaway target's private folder: a key file installed at
    /// `/data/master.key` lands at `<workDirectory>/data/master.key`.
    public static func install(_ spec: MasterKeySpec, secrets: SecretStore, workDirectory: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> InstalledMasterKey {
        try? FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        var text: String
        if let decryption = spec.decrypt {
            text = try await decrypt(spec.source, with: decryption, secrets: secrets, workDirectory: workDirectory)
        } else {
            do { text = try secrets.value(of: spec.source) } catch { throw MasterKeyFailure(description: "\(error)") }
        }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        secrets.remember(text)
        guard let decoded = Data(base64Encoded: text) else {
            throw MasterKeyFailure(description: "the master key from \(spec.source) is not base64 text; the app expects the base64 of \(InstalledMasterKey.byteCount) bytes"
                                   + (spec.decrypt == nil ? " (is it still encrypted? add master_key.decrypt)" : ""))
        }
        guard decoded.count == InstalledMasterKey.byteCount else {
            throw MasterKeyFailure(description: "the master key from \(spec.source) decodes to \(decoded.count) bytes, not \(InstalledMasterKey.byteCount): it is not this app's key")
        }
        let bytes = [UInt8](decoded)
        let fingerprint = SHA256.hash(data: decoded).prefix(8).map { String(format: "%02x", $0) }.joined()
        switch spec.install {
        case .environment(let name):
            return InstalledMasterKey(bytes: bytes, environment: [name: text], file: nil, fingerprint: fingerprint)
        case .file(_, let path):
            let file = workDirectory + "/" + path.split(separator: "/").joined(separator: "/")
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: file, contents: Data((text + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw MasterKeyFailure(description: "could not write the master key file \(file)")
            }
            return InstalledMasterKey(bytes: bytes, environment: [:], file: file, fingerprint: fingerprint)
        }
    }

    /// Runs `age --decrypt` or `gpg --decrypt` on the protected key. An identity or passphrase
    /// is handed over in a 0600 file (never argv) and removed right after.
    static func decrypt(_ source: SecretReference, with decryption: KeyDecryption, secrets: SecretStore,
                        workDirectory: String) async throws -> String {
        var temporary: [String] = []
        defer { temporary.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        func privateFile(_ name: String, _ contents: Data) throws -> String {
            let path = workDirectory + "/" + name
            guard FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
                throw MasterKeyFailure(description: "could not write \(path)")
            }
            temporary.append(path)
            return path
        }
        let input: String
        switch source {
        case .file(let path):
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw MasterKeyFailure(description: "the encrypted master key \(path) cannot be read")
            }
            input = path
        case .environment:
            do { input = try privateFile(".master-key.age", Data(try secrets.value(of: source).utf8)) }
            catch let failure as MasterKeyFailure { throw failure }
            catch { throw MasterKeyFailure(description: "\(error)") }
        }
        if case .gpg(let passphrase) = decryption {
            let passphraseFile: String
            do { passphraseFile = try privateFile(".gpg-passphrase", Data(try secrets.value(of: passphrase).utf8)) }
            catch let failure as MasterKeyFailure { throw failure }
            catch { throw MasterKeyFailure(description: "the gpg passphrase: \(error)") }
            return try await gpgDecrypt(input, passphraseFile: passphraseFile, home: workDirectory + "/.gnupg", secrets: secrets)
        }
        guard case .age(let identity) = decryption else { throw MasterKeyFailure(description: "unknown master_key.decrypt") }
        let identityFile: String
        switch identity {
        case .file(let path):
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw MasterKeyFailure(description: "the age identity \(path) is missing or unreadable; point master_key.decrypt.age at the identity file")
            }
            identityFile = path
        case .environment(let name):
            do { identityFile = try privateFile(".age-identity", Data(try secrets.value(of: identity).utf8)) }
            catch let failure as MasterKeyFailure { throw failure }
            catch { throw MasterKeyFailure(description: "the age identity: \(error) (set \(name) to the AGE-SECRET-KEY line)") }
        }
        let output: CommandOutput
        do {
            output = try await CommandRunner.run(Command("age", ["--decrypt", "--identity", identityFile, input]))
        } catch {
            throw MasterKeyFailure(description: "could not run age (\(error)); install it: apt-get install age")
        }
        guard output.succeeded else {
            let reason = output.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            let hint = reason.contains("no identity matched")
                ? "the age identity does not match the key file's recipients: it is not the identity this key was encrypted to"
                : "age could not decrypt the master key"
            throw MasterKeyFailure(description: "\(hint) (age: \(secrets.redact(reason)))")
        }
        return output.standardOutput
    }

    /// Symmetric or public-key gpg, with a private home in the target's folder so the
    /// operator's keyrings are neither read nor changed.
    private static func gpgDecrypt(_ input: String, passphraseFile: String, home: String, secrets: SecretStore) async throws -> String {
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let output: CommandOutput
        do {
            output = try await CommandRunner.run(Command("gpg", [
                "--homedir", home, "--batch", "--yes", "--quiet", "--no-tty", "--pinentry-mode", "loopback",
                "--passphrase-file", passphraseFile, "--decrypt", input,
            ]))
        } catch {
            throw MasterKeyFailure(description: "could not run gpg (\(error)); install it: apt-get install gpg")
        }
        // gpg starts an agent for its home; stopped now so nothing outlives the key's decryption.
        _ = try? await CommandRunner.run(Command("gpgconf", ["--homedir", home, "--kill", "gpg-agent"]))
        guard output.succeeded else {
            let reason = output.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            let hint = reason.contains("Bad session key") || reason.contains("bad passphrase")
                ? "the gpg passphrase is wrong: it does not open the master key file"
                : "gpg could not decrypt the master key"
            throw MasterKeyFailure(description: "\(hint) (gpg: \(secrets.redact(reason)))")
        }
        return output.standardOutput
    }
}
