import Foundation

/// The catalogue of what can be wrong with a backup or its restore, in plain words.
/// Codes are stable: CI jobs and auditors may key on them.
public enum RestoreFindings {
    public static func dumpMissing(_ detail: String) -> Finding {
        Finding(.dumpMissing, title: "The dump is not there",
                explanation: "The backup this drill should restore does not exist. Check that the nightly dump job ran and wrote where the scenario looks.",
                detail: detail)
    }

    public static func dumpTooSmall(size: Int64, minimum: Int64) -> Finding {
        Finding(.dumpTooSmall, title: "The dump is suspiciously small (\(SizeText.format(size)) < \(SizeText.format(minimum)))",
                explanation: "A dump this small usually means an empty database or a failed pg_dump (broken authentication, wrong database). Nothing was restored.")
    }

    public static func checksumMismatch(expected: String, actual: String, source: String) -> Finding {
        Finding(.checksumMismatch, title: "The dump's SHA-256 does not match \(source)",
                explanation: "The file changed after its checksum was recorded: it was corrupted in transit or storage, or it is a different dump. Nothing was restored.",
                detail: "expected \(expected)\nactual   \(actual)")
    }

    public static func archiveUnreadable(_ detail: String) -> Finding {
        Finding(.archiveUnreadable, title: "The dump cannot be read as a PostgreSQL backup",
                explanation: "The file is not a pg_dump archive in any format pg_restore understands, or its header is damaged. Check which file the backup job writes and that it is not encrypted or compressed a second time.",
                detail: detail)
    }

    public static func archiveTruncated(_ detail: String) -> Finding {
        Finding(.archiveTruncated, title: "The dump is truncated",
                explanation: "pg_restore reached the end of the file before the end of the data: the dump was cut short (disk full during pg_dump, an interrupted copy or upload). The restored database is incomplete.",
                detail: detail)
    }

    public static func restoreErrors(count: Int, detail: String) -> Finding {
        Finding(.restoreError, title: "pg_restore reported \(count) error\(count == 1 ? "" : "s")",
                explanation: "Some objects or rows did not restore. pg_restore's own messages are below; the first one is usually the cause of the rest.",
                detail: detail)
    }

    public static func errorsDespiteSuccess(count: Int, detail: String) -> Finding {
        Finding(.errorsDespiteExit0, title: "The restore exited with code 0 but printed \(count) error\(count == 1 ? "" : "s")",
                explanation: "The restore program reported success while statements failed (psql continues past errors unless told to stop). A script that only checks the exit code would call this restore good; it is not.",
                detail: detail)
    }

    public static func emptyRestore() -> Finding {
        Finding(.emptyRestore, title: "The restore produced no user tables",
                explanation: "The dump restored without errors but holds no tables: it was taken from an empty or wrong database. This backup would bring nothing back.")
    }

    public static func archiveTooNew(archiveFormat: String, pgDumpVersion: String?, localVersion: String) -> Finding {
        let neededMajor = pgDumpVersion.flatMap { Int($0.split(separator: ".").first ?? "") }
        let install = neededMajor.map { "Install PostgreSQL \($0)'s client and server (Debian/Ubuntu: postgresql-\($0) from apt.postgresql.org) and point environment.local.postgres_bin at /usr/lib/postgresql/\($0)/bin." }
            ?? "Install the PostgreSQL version that made the dump and point environment.local.postgres_bin at its bin folder."
        return Finding(.archiveNewerThanPgRestore,
                       title: "The dump (format \(archiveFormat)\(pgDumpVersion.map { ", pg_dump \($0)" } ?? "")) is newer than the local pg_restore \(localVersion) can read",
                       explanation: "pg_restore reads only archives from its own major version or older. \(install)")
    }

    public static func formatMismatch(declared: DumpFormat, detected: DumpFormat) -> Finding {
        Finding(.formatMismatch, title: "The scenario says `format: \(declared.rawValue)` but the file is a \(detected.rawValue)-format dump",
                explanation: "Set `format: auto` (the harness reads the format from the file) or point the scenario at the intended dump.")
    }

    public static func manifestDumpMismatch(manifestHash: String, dumpHash: String) -> Finding {
        Finding(.manifestDumpMismatch, title: "The manifest describes a different dump",
                explanation: "The manifest records the SHA-256 of the dump it was taken with, and this dump's differs, so its row counts and totals may not apply. Use the manifest written with this dump.",
                detail: "manifest \(manifestHash)\ndump     \(dumpHash)")
    }

    public static func baseBackupDamaged(_ detail: String) -> Finding {
        Finding(.baseBackupDamaged, title: "The base backup's files do not match its backup_manifest",
                explanation: "pg_verifybackup found files missing, added, or with another size or checksum than pg_basebackup recorded: "
                    + "the backup was damaged or changed after it was taken. Nothing was recovered; take a new base backup.",
                detail: detail)
    }

    /// The dump needs extensions the throwaway's PostgreSQL does not offer: found before the
    /// restore, which would otherwise fail on every object that uses them.
    public static func extensionMissing(_ names: [String], serverVersion: String) -> Finding {
        let major = Int(serverVersion.split(separator: ".").first ?? "")
        let list = names.joined(separator: ", ")
        return Finding(.extensionMissing,
                       title: "The dump needs the extension\(names.count == 1 ? "" : "s") \(list), which PostgreSQL \(serverVersion) here does not offer",
                       explanation: "Nothing was restored: every table, index and function that uses \(names.count == 1 ? "it" : "them") would fail. "
                           + "Restore into a PostgreSQL that has \(names.count == 1 ? "it" : "them") installed. What provides "
                           + names.map { "\($0): \(RequiredExtensions.provider(of: $0, serverMajor: major))" }.joined(separator: "; ") + ".",
                       detail: "pg_available_extensions of the throwaway lacks: \(list)")
    }

    public static func toolMissing(_ detail: String) -> Finding {
        Finding(.postgresMissing, title: "PostgreSQL's programs were not found",
                explanation: "The local target needs initdb, pg_ctl and pg_restore.", detail: detail)
    }

    public static func baseBackupMissing(_ detail: String) -> Finding {
        Finding(.baseBackupMissing, title: "The base backup is not there or not readable",
                explanation: "Point-in-time recovery starts from a base backup (pg_basebackup). Check that the weekly base backup job ran and wrote where the scenario looks.",
                detail: detail)
    }

    public static func walArchiveMissing(_ detail: String) -> Finding {
        Finding(.walArchiveMissing, title: "The WAL archive is not there or empty",
                explanation: "Without the archived WAL, recovery cannot move past the base backup. Check archive_mode and archive_command on production, and that the archive folder is where the scenario looks.",
                detail: detail)
    }

    public static func pitrTargetUnreached(target: String, lastSegment: String?, detail: String) -> Finding {
        Finding(.pitrTargetUnreached, title: "Recovery cannot reach \(target): the archive ends first",
                explanation: "PostgreSQL replayed every archived segment and stopped before the target (`recovery ended before configured recovery target was reached`). "
                    + "The archive ends at \(lastSegment ?? "an unknown segment")"
                    + ". Anything written after that is lost: archiving stopped or lags (check archive_command failures and archive_timeout).",
                detail: detail)
    }

    public static func walSegmentMissing(segment: String, laterSegments: Int, detail: String) -> Finding {
        Finding(.walSegmentMissing, title: "WAL segment \(segment) is missing from the archive",
                explanation: "Recovery cannot cross a hole in the archive: it stopped at \(segment), and \(laterSegments) later segment(s) in the archive could never be replayed. "
                    + "Find out why archive_command skipped it; until then every point in time after it is unrecoverable.",
                detail: detail)
    }

    public static func rollbackLeftovers(_ leftovers: [String]) -> Finding {
        Finding(.rollbackLeftovers, title: "The way back left \(leftovers.count) object\(leftovers.count == 1 ? "" : "s") the pre-upgrade backup does not hold",
                explanation: "pg_restore --clean drops only what the dump contains. What the new version's migrations added beside it (a new table, "
                    + "column, view, sequence, function, type or schema) survives the rollback, and the old version then runs on a schema it never had. "
                    + "Drop these objects as part of the rollback, or restore into a new, empty database instead.",
                detail: leftovers.joined(separator: "\n"))
    }

    public static func rollbackRestoreErrors(count: Int, detail: String) -> Finding {
        Finding(.rollbackRestoreErrors, title: "pg_restore --clean onto the upgraded database reported \(count) error\(count == 1 ? "" : "s")",
                explanation: "Restoring the pre-upgrade dump over the upgraded schema did not go through cleanly: usually an object the new version "
                    + "added depends on one the dump drops (a foreign key to a restored table), so the drop fails and the old rows are loaded "
                    + "beside what is still there. pg_restore's own messages are below; the first one is usually the cause.",
                detail: detail)
    }
}
