/// The stable code of each finding in `RestoreFindings`, and whom it blames.
public enum FindingCode: String, Sendable, CaseIterable {
    case dumpMissing = "dump-missing"
    case dumpTooSmall = "dump-too-small"
    case checksumMismatch = "checksum-mismatch"
    case archiveUnreadable = "archive-unreadable"
    case archiveTruncated = "archive-truncated"
    case restoreError = "restore-error"
    case errorsDespiteExit0 = "errors-despite-exit-0"
    case emptyRestore = "empty-restore"
    case archiveNewerThanPgRestore = "archive-newer-than-pg-restore"
    case formatMismatch = "format-mismatch"
    case manifestDumpMismatch = "manifest-dump-mismatch"
    case postgresMissing = "postgres-missing"
    case baseBackupMissing = "base-backup-missing"
    case walArchiveMissing = "wal-archive-missing"
    case pitrTargetUnreached = "pitr-target-unreached"
    case walSegmentMissing = "wal-segment-missing"
    case extensionMissing = "extension-missing"
    case baseBackupDamaged = "base-backup-damaged"
    case rollbackLeftovers = "rollback-leftovers"
    case rollbackRestoreErrors = "rollback-restore-errors"
    case sqliteNotADatabase = "sqlite-not-a-database"
    case sqliteTruncated = "sqlite-truncated"
    case sqliteForeignWAL = "sqlite-foreign-wal"
    case sqliteIntegrity = "sqlite-integrity"
    case sqliteForeignKeys = "sqlite-foreign-keys"
    case sqliteEmpty = "sqlite-empty"
    case preUpgradeLost = "pre-upgrade-lost"
    case exportImportFailed = "export-import-failed"

    /// Whose fault a finding is: the backup's fails the drill; the harness's own tools (a
    /// pg_restore too old, PostgreSQL missing, a scenario that misnames the format, a target
    /// without an extension the dump needs) make it an error, since the backup was never judged.
    public enum Blame: Sendable {
        case backup, harness
    }

    public var blame: Blame {
        switch self {
        case .archiveNewerThanPgRestore, .formatMismatch, .postgresMissing, .extensionMissing: .harness
        default: .backup
        }
    }
}

extension Finding {
    init(_ code: FindingCode, title: String, explanation: String, detail: String? = nil) {
        self.init(code: code.rawValue, title: title, explanation: explanation, detail: detail)
    }

    /// A code this version does not know (a record from another) counts as the backup's.
    public var blame: FindingCode.Blame { FindingCode(rawValue: code)?.blame ?? .backup }
}
