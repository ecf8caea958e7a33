import Foundation

/// What a check may use while it runs: the restored database, what production reported,
/// and the secrets the scenario points at.
public struct CheckContext: Sendable {
    public var connection: PostgresConnection
    public var manifest: Manifest?
    public var secrets: SecretStore

    public init(connection: PostgresConnection, manifest: Manifest?, secrets: SecretStore) {
        self.connection = connection
        self.manifest = manifest
        self.secrets = secrets
    }
}

/// A check's answer. `error` means the check could not run; it is never turned into a pass.
public struct CheckOutcome: Sendable, Equatable {
    public var verdict: Verdict
    public var message: String
    public var observations: [Observation]
    public var queries: [String]

    public init(verdict: Verdict, message: String, observations: [Observation] = [], queries: [String] = []) {
        self.verdict = verdict
        self.message = message
        self.observations = observations
        self.queries = queries
    }
}

/// One kind of verification, computed in SQL on the server: no table is pulled into the harness.
public protocol DrillCheck: Sendable {
    var spec: CheckSpec { get }
    /// A short human name for reports (`row counts: orders, customers`).
    var displayName: String { get }
    func run(in context: CheckContext) async -> CheckOutcome
}
