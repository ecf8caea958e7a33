import Foundation

/// What a post-major-upgrade gate found: the figures before and after, the migrations it ran
/// and whether running them again changed anything, both versions, and the way back.
public struct UpgradeRecord: Sendable, Codable, Equatable {
    /// What the current version saw on the restored copy, before any migration.
    public var before: UpgradeFigures?
    /// What the new version runs on, once migrated and booted (before any check writes).
    public var after: UpgradeFigures?
    /// The migrations the first run applied, in order, each with its time when the runner printed it.
    public var applied: [AppliedMigrationRecord]?
    /// For a migrations table that keeps only the current revision (Alembic's), the one it held
    /// before: the steps between are not listed anywhere, so `applied` holds the new head only.
    public var previousHead: String?
    /// What the new version applied as it started, beyond what its migrate command applied
    /// (MLflow's server migrates its store itself, whatever ran before it).
    public var appliedAtStart: [String]?
    /// What the second run applied: idempotent means none.
    public var secondRunApplied: [String]?
    /// The migration runs' wall times.
    public var firstRunSeconds: Double?
    public var secondRunSeconds: Double?
    /// The way back, rehearsed on a fresh throwaway from the same backup.
    public var rollback: RollbackRecord?
    /// A SQLite store: the file's SHA-256 as the new version found it (the current version
    /// stopped, its -wal folded in); the way back must give back exactly these bytes.
    public var preUpgradeSHA256: String?

    public init() {}
}

/// One side of the upgrade.
public struct UpgradeFigures: Sendable, Codable, Equatable {
    /// What the app's health reported.
    public var version: String?
    /// Row counts of every table, money totals and latest invoices, taken like a manifest.
    public var figures: Manifest
    public var databaseSizeBytes: Int64?
    /// The migrations table's ids, in order.
    public var migrations: [String]?
    /// Each `upgrade.commands` entry's output, by name (redacted, at most 64 KiB).
    public var commandOutputs: [String: String]?
    /// Functions, types and schemas beside the fingerprint's objects (`function public.f(integer)`),
    /// for the way back in place to name what survived it.
    public var otherObjects: [String]?

    public init(version: String? = nil, figures: Manifest, databaseSizeBytes: Int64? = nil, migrations: [String]? = nil) {
        self.version = version
        self.figures = figures
        self.databaseSizeBytes = databaseSizeBytes
        self.migrations = migrations
    }
}

public struct AppliedMigrationRecord: Sendable, Codable, Equatable {
    public var id: String
    public var seconds: Double?

    public init(id: String, seconds: Double? = nil) {
        self.id = id
        self.seconds = seconds
    }
}

/// The rehearsal of the way back: its own steps, its own RTO (in place: from stopping the new
/// version to the current one answering its probes).
public struct RollbackRecord: Sendable, Codable, Equatable {
    public var steps: [StepRecord]
    public var verdict: Verdict
    /// From the start of its target's creation to the current version answering its probes.
    public var rtoSeconds: Double?
    public var teardown: TeardownRecord?
    /// `in_place` for the upgrade guide's own way (pg_restore --clean onto the upgraded
    /// database); nil for a fresh restore.
    public var way: String?
    /// In place: the objects the new version added that survived the restore.
    public var leftovers: [String]?

    public init(steps: [StepRecord], verdict: Verdict, rtoSeconds: Double? = nil, teardown: TeardownRecord? = nil,
                way: String? = nil, leftovers: [String]? = nil) {
        self.way = way
        self.leftovers = leftovers
        self.steps = steps
        self.verdict = verdict
        self.rtoSeconds = rtoSeconds
        self.teardown = teardown
    }
}
