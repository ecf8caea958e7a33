import Foundation

public struct SecretUnavailable: Error, CustomStringConvertible {
    public var reference: SecretReference
    public var reason: String
    public var description: String { "the secret in \(reference) is not available: \(reason)" }
}

/// Resolves secret references (`*_env`, `*_file`) and remembers every value it handed out,
/// so captured output and reports can be scrubbed of them.
public final class SecretStore: Sendable {
    private let environment: [String: String]
    private let known = Mutex<[String]>([])

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func value(of reference: SecretReference) throws -> String {
        let value: String
        switch reference {
        case .environment(let name):
            guard let found = environment[name], !found.isEmpty else {
                throw SecretUnavailable(reference: reference, reason: "\(name) is not set; export it before running the drill")
            }
            value = found
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SecretUnavailable(reference: reference, reason: "\(path) cannot be read")
            }
            value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw SecretUnavailable(reference: reference, reason: "\(path) is empty") }
        }
        remember(value)
        return value
    }

    /// Registers a value that must never appear in output (e.g. a generated password).
    public func remember(_ value: String) {
        guard value.count >= 4 else { return }
        known.withLock { if !$0.contains(value) { $0.append(value) } }
    }

    /// `text` with every known secret replaced by `[REDACTED]`.
    public func redact(_ text: String) -> String {
        known.withLock { values in
            values.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "[REDACTED]") }
        }
    }
}
