/// Where a drill runs (README, "Where things go"): a throwaway the harness alone creates,
/// asked only for what a drill needs of it. The steps, checks and reports know nothing of
/// which kind it is; `DrillTargets.make` is the one place that chooses.
protocol DrillTarget: AnyObject, CommandPlace {
    /// `local`, `compose`: the record's and the plan step's name for it.
    var kind: String { get }
    /// The target step's title.
    var creationTitle: String { get }

    /// Before anything is created: what this target needs of this host for the backup (the
    /// local target locates PostgreSQL's programs and lists a dump with them now).
    func prepare(_ backup: inout PreparedBackup, _ record: inout DrillRecord) async throws

    /// This host's PostgreSQL programs for looking at a backup before it recovers
    /// (`pg_verifybackup`); after `prepare`.
    var hostPostgresPrograms: PostgresBinaries? { get }

    /// Creates the throwaway: an empty database a dump restores into, or the base backup set
    /// to recover. Whatever it made is torn down by `tearDown`, also when this throws.
    func create(for backup: PreparedBackup, _ record: inout DrillRecord) async throws -> TargetCreation

    /// The programs that restore `dump` into the throwaway, and the dump as they list it.
    func restoreTools(for dump: PreparedDump, _ record: inout DrillRecord) async throws -> RestoreToolsReady

    /// Starts recovery and waits until the server promoted; throws `RecoveryFailure` when it did not.
    func recover(_ setup: RecoverySetup) async throws -> RecoveryOutcome

    /// The harness's own connection to the restored database; nil until it can be reached.
    func connectionParameters(database: String) -> ConnectionParameters?

    /// The throwaway's private 0700 folder, where a key file is written; nil before creation.
    var privateDirectory: String? { get }

    /// A SQLite store's restored file, in that folder; nil for PostgreSQL or before creation.
    var restoredFile: String? { get }

    /// Puts an installed key where the app will read it; `installed` says where it is now, the
    /// answer where the app finds it.
    func placeKey(_ key: InstalledMasterKey, _ spec: MasterKeySpec, installed: String) async throws -> String

    /// Migrates, starts the app, waits until its ready probes pass, and checks its log.
    func bootApp(_ spec: AppSpec, key: InstalledMasterKey?) async throws -> BootedApp

    /// Stops the app, if one was started, and hands back its last lines.
    func stopApp() async -> AppStop

    /// The upgrade gate's migration run, the way `bootApp` runs `app.migrate`: with the
    /// restored database's connection and the installed key, never the harness's secrets.
    func migrationCommand(_ spec: MigrateSpec, variables: [String: String], key: InstalledMasterKey?) throws -> Command

    /// Removes everything the target created and looks again: the evidence is what is still
    /// there. The runner calls it detached from the drill's task, so cancellation never cuts it short.
    func tearDown() async -> TargetTeardown

    /// `restore-drill gc`: removes what killed harnesses left of this kind of target.
    static func collectLeftovers(dryRun: Bool, into outcome: inout LeftoverCollector.Outcome) async
}

/// The target step's answer: what was created, and the connection the restore uses.
struct TargetCreation: Sendable {
    var result: StepResult
    var connection: (any DatabaseConnection)?
}

/// Where the harness reaches the restored database, whichever engine holds it.
enum RestoredStore: Sendable {
    case postgresql(ConnectionParameters)
    case sqlite(file: String)

    func connect() async throws -> any DatabaseConnection {
        switch self {
        case .postgresql(let parameters): try await PostgresConnection.connect(parameters)
        case .sqlite(let file): try await SQLiteConnection.open(file, mode: .readWrite)
        }
    }
}

extension DrillTarget {
    func restoredStore(_ database: DatabaseSpec) -> RestoredStore? {
        if database.engine == .sqlite { return restoredFile.map { .sqlite(file: $0) } }
        return connectionParameters(database: database.name).map(RestoredStore.postgresql)
    }
}

/// How a dump reaches the throwaway database.
struct RestoreToolsReady: Sendable {
    var tools: any RestoreTools
    var inspection: ArchiveInspection
    var evidence: [String]
}

/// The app, up and healthy.
struct BootedApp: Sendable {
    var address: AppAddress
    var message: String
    var evidence: [String]
}

struct AppStop: Sendable {
    var actions: [String] = []
    /// The app's last lines, kept as evidence of its boot.
    var log: [String] = []
    /// A local drill of several processes: each one's last lines, by name.
    var processLogs: [(name: String, lines: [String])] = []
}

struct TargetTeardown: Sendable {
    var actions: [String] = []
    var leftovers: [String] = []
    /// The teardown step's message when nothing is left.
    var summary: String
}
