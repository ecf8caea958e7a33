/// The backup as the prepare step found it, for the steps after it.
enum PreparedBackup: Sendable {
    case dump(PreparedDump)
    case recovery(RecoverySetup)
    case sqlite(PreparedSQLite)
    /// A SQLite store's export in the app's format, and the app's import command for it.
    case export(PreparedSQLite, importCommand: [String])
}

/// A SQLite file that was found, measured and read, with the `-wal` beside it if any.
struct PreparedSQLite: Sendable {
    var path: String
    var sha256: String
    var sizeBytes: Int64
    /// nil for an empty file.
    var header: SQLiteFileHeader?
    var wal: PreparedWAL?
    /// A rollback journal copied with the file (a write was under way): SQLite rolls the
    /// half-written transaction back as it opens the copy, as it would on production.
    var journal: String?
}

struct PreparedWAL: Sendable {
    var path: String
    var sha256: String
    var sizeBytes: Int64
    /// nil when the file does not start like a WAL (or is empty).
    var header: SQLiteWALHeader?
}

/// A dump that was found, measured and inspected.
struct PreparedDump: Sendable {
    var spec: DumpSpec
    var path: String
    var sha256: String
    var inspection: ArchiveInspection
}
