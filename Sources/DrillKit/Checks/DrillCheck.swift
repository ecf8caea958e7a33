import Foundation

/// What a check may use while it runs: the restored database, what production reported,
/// and the secrets the scenario points at.
public struct CheckContext: Sendable {
    public var connection: any DatabaseConnection
    public var manifest: Manifest?
    public var secrets: SecretStore
    /// Whole-table aggregates computed once for all the drill's checks; nil: each check scans on its own.
    public var sharedScans: SharedTableScans?
    /// Where the booted app listens; nil when no app runs.
    public var app: AppAddress?
    /// The installed master key's bytes; nil when none was installed.
    public var masterKey: [UInt8]?
    /// Where a `command` check runs its program: the drill's target.
    var commands: (any CommandPlace)?
    /// When the backup's data stops: the dump's creation time, or the last transaction a
    /// recovery replayed; nil when unknown.
    var dataCutoff: (at: Date, basis: String)?
    /// This scenario's earlier good drills, from its reports folder; nil: none were read.
    var pastDrills: PastDrills?
    /// The restored catalog's fingerprint, read once before any check ran (so none of them,
    /// amcheck's extension say, shows up in it), or why it could not be read; nil: a check
    /// reads it itself.
    var restoredSchema: Result<SchemaFingerprint, SchemaReadFailure>?

    public init(connection: any DatabaseConnection, manifest: Manifest?, secrets: SecretStore,
                sharedScans: SharedTableScans? = nil, app: AppAddress? = nil, masterKey: [UInt8]? = nil) {
        self.connection = connection
        self.manifest = manifest
        self.secrets = secrets
        self.sharedScans = sharedScans
        self.app = app
        self.masterKey = masterKey
    }
}

/// A check's answer. `error` means the check could not run; it is never turned into a pass.
/// `skipped` means a comparison with earlier drills found none to compare with (a first drill).
public struct CheckOutcome: Sendable, Equatable {
    public var verdict: Verdict
    public var message: String
    public var observations: [Observation]
    public var queries: [String]
    /// How new the restored data is, when the check measured it (freshness).
    public var dataAsOf: DataAsOf?
    /// Figures later drills compare with (`rows public.orders` → 2000): a volume check's.
    public var measurements: [String: Int64]?
    /// True when the check is skipped because it had no earlier drill to compare with.
    public var nothingToCompare = false

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
    /// The whole-table aggregates it will compute, so checks that scan the same table can share one pass.
    var tableScanNeeds: [TableScanNeed] { get }
    /// True for a check that changes the restored data (a test order): it runs after all the others.
    var writes: Bool { get }
    /// Where the secrets it reads live; the app must not inherit them from the harness.
    var secretsRead: [SecretReference] { get }
    /// The app URLs it calls, with their `{{service:port}}` placeholders, so a target can publish those ports.
    var urlTemplates: [String] { get }
    /// What `restore-drill manifest` must record at backup time for it to compare with.
    var manifestNeeds: [ManifestNeed] { get }
    /// Which side of a point-in-time recovery's target it proves, if any.
    var recoveryAssertion: PITRAssertion? { get }
    /// True for a check that compares with this scenario's earlier good drills.
    var readsPastDrills: Bool { get }
    /// True for a check that needs the restored catalog's fingerprint the phase reads.
    var readsRestoredSchema: Bool { get }
    func run(in context: CheckContext) async -> CheckOutcome
}

extension DrillCheck {
    public var tableScanNeeds: [TableScanNeed] { [] }
    public var writes: Bool { false }
    public var secretsRead: [SecretReference] { [] }
    public var urlTemplates: [String] { [] }
    public var manifestNeeds: [ManifestNeed] { [] }
    public var recoveryAssertion: PITRAssertion? { nil }
    public var readsPastDrills: Bool { false }
    public var readsRestoredSchema: Bool { false }
}

/// A figure production reports when the backup is taken, beyond the row counts every manifest holds.
public enum ManifestNeed: Sendable {
    /// Totals of a money column, per currency when `currency` is given.
    case moneyTotals(column: ColumnReference, currency: ColumnReference?)
    /// The latest invoice number, per series when the check has one.
    case invoiceLatest(InvoiceSequenceCheckSpec)
    /// What a program prints against production, recorded under `name` (`output_recorded`).
    case commandOutput(name: String, run: [String], timeoutSeconds: Double)
}

/// Why the restored catalog's fingerprint could not be read.
public struct SchemaReadFailure: Error, Sendable {
    public var description: String
}
