import Foundation

/// What can be wrong with a SQLite store's backup, in plain words. Codes are stable.
extension RestoreFindings {
    public static func sqliteNotADatabase(_ detail: String) -> Finding {
        Finding(.sqliteNotADatabase, title: "The backup is not a SQLite database file",
                explanation: "Its first bytes are not SQLite's file header, so no SQLite can open it. Check which file the backup job writes, and that it was not compressed or encrypted a second time.",
                detail: detail)
    }

    public static func sqliteTruncated(_ detail: String) -> Finding {
        Finding(.sqliteTruncated, title: "The SQLite file is truncated",
                explanation: "The file is shorter than its own header says: the copy was cut short (a full disk, an interrupted upload, a copy taken while the file grew). Whatever stood in the missing pages is gone.",
                detail: detail)
    }

    public static func sqliteForeignWAL(_ detail: String) -> Finding {
        Finding(.sqliteForeignWAL, title: "The -wal beside the SQLite file does not belong to it",
                explanation: "A file copied together with its -wal must be copied as one, at one moment. This -wal comes from another database or another moment: applied to this file it damages it, and left out it loses the commits it holds. Take the backup with `sqlite3 DB \".backup FILE\"` or `VACUUM INTO`, which write one consistent file.",
                detail: detail)
    }

    /// `atLeast`: SQLite was asked for only so many lines, and gave them all.
    public static func sqliteIntegrity(_ count: Int, atLeast: Bool = false, detail: String) -> Finding {
        Finding(.sqliteIntegrity, title: "PRAGMA integrity_check reported \(atLeast ? "at least " : "")\(count) problem\(count == 1 ? "" : "s")",
                explanation: "SQLite's own check of the file found damage: pages, indexes or records that do not hold together. A file copied while it was being written is the usual cause; the damaged rows cannot be trusted. SQLite's own words are below.",
                detail: detail)
    }

    public static func sqliteForeignKeys(_ count: Int, detail: String) -> Finding {
        Finding(.sqliteForeignKeys, title: "PRAGMA foreign_key_check found \(count) row\(count == 1 ? "" : "s") pointing at nothing",
                explanation: "Rows refer to parents the backup does not hold (SQLite enforces foreign keys only when an app turns them on, so production may have let them in, or the copy lost the parents). The tables and rows are below.",
                detail: detail)
    }

    public static func sqliteEmpty(_ detail: String) -> Finding {
        Finding(.sqliteEmpty, title: "The SQLite database is empty",
                explanation: "The file holds no tables: a new database the app had not yet written to, or a backup of the wrong file (SQLite creates an empty file for a path it is asked to open that does not exist).",
                detail: detail)
    }

    public static func preUpgradeLost(_ detail: String) -> Finding {
        Finding(.preUpgradeLost, title: "The upgrade left no way back to the pre-upgrade store",
                explanation: "After the upgrade, neither the store's file nor its .pre-upgrade copy is the file the upgrade started from: the app's rollback (or its copy) lost it. On production this upgrade could not be undone; keep the backup taken before it.",
                detail: detail)
    }

    public static func exportImportFailed(_ status: String, detail: String) -> Finding {
        Finding(.exportImportFailed, title: "The app's import of the export failed (\(status))",
                explanation: "The archive is in the app's own format, and the app's own import could not make a database of it: the archive is damaged or incomplete, or from a version this import does not read. On production this export could not be restored either. The import's last lines are below.",
                detail: detail)
    }
}
