import Foundation

/// A parsed, validated scenario file (contract: the README's scenario reference, version 1). Paths are already
/// absolute (resolved against the scenario's folder, `${VAR}` expanded); secrets appear
/// only as references to where they live.
public struct Scenario: Sendable {
    public var file: String
    public var name: String
    public var description: String?
    public var objectives: Objectives
    public var environment: EnvironmentSpec
    public var backup: BackupSpec
    public var masterKey: MasterKeySpec?
    public var app: AppSpec?
    /// The post-major-upgrade gate; nil for a restore drill.
    public var upgrade: UpgradeSpec?
    public var checks: [CheckSpec]
    public var report: ReportSpec
    /// `deadline:` the watchdog's hard limit for the whole drill; past it the drill stops and
    /// tears down. Default: twice the RTO objective, at least 30 minutes, so a slow restore
    /// is measured against the RTO before the watchdog cuts it off.
    public var deadlineSeconds: Double
    public var evidence: EvidenceSpec

    public init(file: String, name: String, description: String? = nil, objectives: Objectives,
                environment: EnvironmentSpec, backup: BackupSpec, masterKey: MasterKeySpec? = nil,
                app: AppSpec? = nil, upgrade: UpgradeSpec? = nil, checks: [CheckSpec], report: ReportSpec, deadlineSeconds: Double? = nil,
                evidence: EvidenceSpec = EvidenceSpec()) {
        self.file = file
        self.name = name
        self.description = description
        self.objectives = objectives
        self.environment = environment
        self.backup = backup
        self.masterKey = masterKey
        self.app = app
        self.upgrade = upgrade
        self.checks = checks
        self.report = report
        self.deadlineSeconds = deadlineSeconds ?? max(2 * objectives.rtoSeconds, 30 * 60)
        self.evidence = evidence
    }
}

/// `evidence:` what the drill is evidence of, for the auditor and for `history`: how often a
/// passing drill is due, and which controls (ISO 27001 A.8.13, SOC 2 A1.3, …) it evidences.
public struct EvidenceSpec: Sendable, Equatable {
    /// A passing drill is due at least this often; past it, `history` calls the scenario overdue.
    public var cadenceSeconds: Double?
    public var controls: [String]

    public init(cadenceSeconds: Double? = nil, controls: [String] = []) {
        self.cadenceSeconds = cadenceSeconds
        self.controls = controls
    }
}

/// A line and column in a scenario file (1-based), carried so that errors found after
/// loading still point at the text the operator wrote.
public struct SourceLocation: Sendable, Equatable, Codable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

public enum Tier: String, Sendable, Codable, CaseIterable {
    case baseline, standard, strict

    public var rpoSeconds: Double {
        switch self {
        case .baseline: 24 * 3600
        case .standard: 3600
        case .strict: 5 * 60
        }
    }

    public var rtoSeconds: Double {
        switch self {
        case .baseline: 2 * 3600
        case .standard: 3600
        case .strict: 30 * 60
        }
    }
}

public struct Objectives: Sendable, Equatable {
    public var tier: Tier?
    public var rpoSeconds: Double
    public var rtoSeconds: Double

    /// Explicit values override the tier's.
    public init(tier: Tier?, rpoSeconds: Double?, rtoSeconds: Double?) {
        self.tier = tier
        self.rpoSeconds = rpoSeconds ?? tier?.rpoSeconds ?? Tier.baseline.rpoSeconds
        self.rtoSeconds = rtoSeconds ?? tier?.rtoSeconds ?? Tier.baseline.rtoSeconds
    }
}

public struct DatabaseSpec: Sendable, Equatable {
    public var name: String
    public var user: String
    /// A SQLite store: where the app finds its file, relative to the app's folder in the
    /// throwaway (`data/db/storeit.db` becomes `<target>/app/data/db/storeit.db`); nil: PostgreSQL.
    public var file: String?
    public init(name: String, user: String) {
        self.name = name
        self.user = user
    }

    /// A SQLite store's file; its name stands for the database's name in records.
    public init(file: String) {
        self.name = (file as NSString).lastPathComponent
        self.user = ""
        self.file = file
    }

    public var engine: DatabaseEngine { file == nil ? .postgresql : .sqlite }
}

/// Where the drill runs, with the settings of that kind only. The one place that acts on it is
/// the target factory (`DrillTargets.make`).
public enum TargetSpec: Sendable {
    /// A throwaway PostgreSQL cluster on this host.
    case local(LocalSpec)
    /// A throwaway `docker compose` project.
    case compose(ComposeSpec)
}

public struct EnvironmentSpec: Sendable {
    public var target: TargetSpec
    public var database: DatabaseSpec

    public init(target: TargetSpec, database: DatabaseSpec) {
        self.target = target
        self.database = database
    }
}

public struct ComposeSpec: Sendable {
    public var file: String
    public var databaseService: String
    /// `wait:` how long the database container gets to turn healthy (`up --wait`).
    public var waitSeconds: Double
    /// `dump_delivery:` how the dump reaches the database container.
    public var dumpDelivery: DumpDelivery
    /// `database_image:` the image the database service runs instead of the compose file's;
    /// `{major}` becomes the major version of the PostgreSQL that made the dump.
    public var databaseImage: String?
    public init(file: String, databaseService: String, waitSeconds: Double = 120, dumpDelivery: DumpDelivery = .auto,
                databaseImage: String? = nil) {
        self.file = file
        self.databaseService = databaseService
        self.waitSeconds = waitSeconds
        self.dumpDelivery = dumpDelivery
        self.databaseImage = databaseImage
    }
}

/// `mount`: bind-mounted read-only (no copy; the engine must see this host's files).
/// `copy`: `docker compose cp` (any engine; costs a copy). `auto`: mount when the engine
/// is on this machine, else copy.
public enum DumpDelivery: String, Sendable, CaseIterable {
    case auto, mount, copy
}

public struct LocalSpec: Sendable {
    /// Folder holding initdb, pg_ctl, pg_restore; `nil` means find them (`auto`).
    public var postgresBin: String?
    public init(postgresBin: String? = nil) { self.postgresBin = postgresBin }
}

public enum DumpFormat: String, Sendable, Codable, CaseIterable {
    case auto, custom, directory, tar, plain
}

public enum JobCount: Sendable, Equatable {
    case auto
    case fixed(Int)

    public var resolved: Int {
        switch self {
        case .auto: max(1, ProcessInfo.processInfo.activeProcessorCount)
        case .fixed(let count): count
        }
    }
}

public struct DumpSpec: Sendable {
    /// A file, a directory-format folder, or a glob pattern (see `newest`).
    public var path: String
    public var newest: Bool
    public var format: DumpFormat
    public var sha256File: String?
    public var minSizeBytes: Int64
    public var jobs: JobCount

    public init(path: String, newest: Bool = false, format: DumpFormat = .auto, sha256File: String? = nil,
                minSizeBytes: Int64 = 4096, jobs: JobCount = .auto) {
        self.path = path
        self.newest = newest
        self.format = format
        self.sha256File = sha256File
        self.minSizeBytes = minSizeBytes
        self.jobs = jobs
    }
}

public enum RecoveryTarget: Sendable, Equatable {
    case time(Date)
    case latest
}

public struct PITRSpec: Sendable {
    public var base: String
    public var walArchive: String
    public var target: RecoveryTarget
    public init(base: String, walArchive: String, target: RecoveryTarget) {
        self.base = base
        self.walArchive = walArchive
        self.target = target
    }
}

public enum BackupSource: Sendable {
    case dump(DumpSpec)
    case pitr(PITRSpec)
    /// A SQLite database file, taken with its `-wal` when one lies beside it.
    case sqlite(SQLiteBackupSpec)
    /// A SQLite store's export in the app's own format, restored by the app's import command.
    case export(ExportBackupSpec)
}

/// `backup.export`: an archive the app wrote (`storeit-ctl backup -o pre-upgrade.storeit`),
/// restored into the throwaway by the app's own import, `{{archive}}` and `{{database_file}}`
/// filled in: as StoreIT's guide restores one by hand.
public struct ExportBackupSpec: Sendable {
    public var file: SQLiteBackupSpec
    public var importCommand: [String]

    public init(archive: SQLiteBackupSpec, importCommand: [String]) {
        self.file = archive
        self.importCommand = importCommand
    }
}

/// `backup.sqlite`: a copy of a SQLite store's file, as operators take one (`sqlite3 .backup`,
/// `VACUUM INTO`, or the file copied, perhaps with its `-wal`).
public struct SQLiteBackupSpec: Sendable {
    /// The file, or a glob pattern (see `newest`).
    public var path: String
    public var newest: Bool
    public var sha256File: String?
    public var minSizeBytes: Int64

    public init(path: String, newest: Bool = false, sha256File: String? = nil, minSizeBytes: Int64 = 512) {
        self.path = path
        self.newest = newest
        self.sha256File = sha256File
        self.minSizeBytes = minSizeBytes
    }
}

public struct BackupSpec: Sendable {
    public var source: BackupSource
    public var manifest: String?
    public init(source: BackupSource, manifest: String? = nil) {
        self.source = source
        self.manifest = manifest
    }
}

/// Where a secret lives. Never its value.
public enum SecretReference: Sendable, Equatable, CustomStringConvertible {
    case environment(String)
    case file(String)

    public var description: String {
        switch self {
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "file \(path)"
        }
    }
}

public enum KeyDecryption: Sendable, Equatable {
    case age(identity: SecretReference)
    case gpg(passphrase: SecretReference)
}

public enum KeyInstallation: Sendable, Equatable {
    case file(service: String?, path: String)
    case environment(String)
}

public struct MasterKeySpec: Sendable {
    public var source: SecretReference
    public var decrypt: KeyDecryption?
    public var install: KeyInstallation
    public init(source: SecretReference, decrypt: KeyDecryption? = nil, install: KeyInstallation) {
        self.source = source
        self.decrypt = decrypt
        self.install = install
    }
}

/// A JSON value for `ready[].http.json` subsets and similar.
public indirect enum JSONValue: Sendable, Equatable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])
}

public struct HTTPProbe: Sendable {
    public var url: String
    public var status: Int
    public var json: [String: JSONValue]?
    public init(url: String, status: Int = 200, json: [String: JSONValue]? = nil) {
        self.url = url
        self.status = status
        self.json = json
    }
}

public struct ReadyProbe: Sendable {
    public var http: HTTPProbe
    public var timeoutSeconds: Double
    public init(http: HTTPProbe, timeoutSeconds: Double = 120) {
        self.http = http
        self.timeoutSeconds = timeoutSeconds
    }
}

public enum AppStart: Sendable {
    case services([String])
    case command([String])
    /// Several named programs on this host (local environments).
    case processes([AppProcessSpec])

    /// Every ready probe's URL: the app's own and each process's.
    var processProbes: [ReadyProbe] {
        if case .processes(let processes) = self { return processes.flatMap(\.ready) }
        return []
    }
}

public struct MigrateSpec: Sendable {
    public var command: [String]
    public var service: String?
    public init(command: [String], service: String? = nil) {
        self.command = command
        self.service = service
    }
}

public struct AppSpec: Sendable {
    public var start: AppStart
    public var migrate: MigrateSpec?
    public var ready: [ReadyProbe]
    public var logsMustNotContain: [String]
    /// Compose: variables the compose file interpolates for this app (`DRILL_APP_IMAGE`: which
    /// image, so a gate runs the current version's image, then the new one's).
    public var variables: [String: String]
    /// An app that migrates itself as it starts (NestFleet): its migrations table, read
    /// before the boot and after it. On a drill of the version production runs, the boot must
    /// apply nothing.
    public var migrations: MigrationsTable?
    /// Where the app reports its version, and what it must report (`to`).
    public var version: VersionProbe?
    public init(start: AppStart, migrate: MigrateSpec? = nil, ready: [ReadyProbe] = [], logsMustNotContain: [String] = [],
                variables: [String: String] = [:], migrations: MigrationsTable? = nil, version: VersionProbe? = nil) {
        self.migrations = migrations
        self.version = version
        self.start = start
        self.migrate = migrate
        self.ready = ready
        self.logsMustNotContain = logsMustNotContain
        self.variables = variables
    }
}

public enum ReportFormat: String, Sendable, Codable, CaseIterable {
    case junit, markdown, json
}

public struct ReportSpec: Sendable {
    public var directory: String
    public var formats: [ReportFormat]
    public init(directory: String, formats: [ReportFormat] = ReportFormat.allCases) {
        self.directory = directory
        self.formats = formats
    }
}
