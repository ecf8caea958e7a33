/// `upgrade:` the post-major-upgrade gate. The backup is production before the upgrade; `app`
/// is the version it runs now (the gate's "from"), `to` the new one. The gate records a
/// baseline through the current version, runs the new version's migrations twice (the second
/// run must change nothing), boots the new version, verifies nothing was lost, and rehearses
/// the way back on a fresh throwaway.
public struct UpgradeSpec: Sendable {
    /// The new version: its migrations (`to.migrate`, run by the gate, twice), how it starts
    /// and when it is ready. Without `migrate` the app migrates itself when it starts.
    public var to: AppSpec
    /// Where each version reports what it is, and what each must report.
    public var version: VersionProbe?
    /// The app's migrations table, to list what ran.
    public var migrations: MigrationsTable?
    /// Tables whose row count the upgrade may change, each with the scenario's reason.
    public var changedTables: [(table: String, why: String)]
    /// The immutability guard that must still refuse a DELETE and an UPDATE after the upgrade.
    public var guardTable: String?
    /// Rehearse the way back: a fresh throwaway from the same backup, the current version booted.
    public var rollback: Bool
    /// Which way back: a fresh restore, or the upgrade guide's own (`in_place`): the pre-upgrade
    /// dump restored with `pg_restore --clean --if-exists --no-owner` onto the upgraded database.
    public var rollbackWay: RollbackWay

    public enum RollbackWay: String, Sendable, CaseIterable {
        case fresh
        case inPlace = "in_place"
        /// A SQLite store's (StoreIT's): the `.pre-upgrade` copy the upgrade kept, back in place.
        case preUpgrade = "pre_upgrade"
    }
    /// Commands whose output the upgrade must keep (a plugin list), run through each version.
    public var commands: [UpgradeCommand]
    /// Compose: the database image the upgraded stack runs (a PostgreSQL line jump: the
    /// pre-upgrade dump of 15 restored into 17); the way back keeps the scenario's own.
    public var databaseImage: String?

    public init(to: AppSpec, version: VersionProbe? = nil, migrations: MigrationsTable? = nil,
                changedTables: [(table: String, why: String)] = [], guardTable: String? = nil, rollback: Bool = true,
                rollbackWay: RollbackWay = .fresh, databaseImage: String? = nil, commands: [UpgradeCommand] = []) {
        self.rollbackWay = rollbackWay
        self.databaseImage = databaseImage
        self.commands = commands
        self.to = to
        self.version = version
        self.migrations = migrations
        self.changedTables = changedTables
        self.guardTable = guardTable
        self.rollback = rollback
    }
}

/// `version: { url, key, from, to }`: `GET url` answers JSON whose `key` holds the version.
public struct VersionProbe: Sendable {
    /// How the answer carries the version.
    public enum Body: String, Sendable, CaseIterable {
        /// A JSON object, the version under `key` (`/health` → `{"version": "2.0.0"}`).
        case json
        /// The whole answer, trimmed (`/version` → `2.22.1`, as MLflow's server answers).
        case text
    }

    public var url: String
    public var key: String
    public var body: Body
    public var from: String?
    public var to: String?

    public init(url: String, key: String = "version", body: Body = .json, from: String? = nil, to: String? = nil) {
        self.url = url
        self.key = key
        self.body = body
        self.from = from
        self.to = to
    }
}

/// `migrations: { table, id, name }`: each applied migration is a row; `id` orders it, `name`
/// (optional) says what it is and finds its line in the runner's output.
public struct MigrationsTable: Sendable {
    public var table: String
    public var id: String
    public var name: String?

    public init(table: String, id: String, name: String? = nil) {
        self.table = table
        self.id = id
        self.name = name
    }
}

/// `commands: [{ name, run, service, allow }]`: a program run on the restored copy through the
/// current version and again through the new one; its output must be the same, or differ only
/// as `allow` says.
public struct UpgradeCommand: Sendable {
    public typealias Allowance = OutputAllowance

    public var name: String
    public var run: [String]
    /// The new version's own invocation, when it differs (a local install's other binary);
    /// compose runs `run` in the service, whose image is the new one by then.
    public var runUpgraded: [String]?
    /// Compose: the service it runs in (`docker compose exec`); local: this host.
    public var service: String?
    public var allow: Allowance

    public init(name: String, run: [String], runUpgraded: [String]? = nil, service: String? = nil, allow: Allowance = .exact) {
        self.name = name
        self.run = run
        self.runUpgraded = runUpgraded
        self.service = service
        self.allow = allow
    }
}
