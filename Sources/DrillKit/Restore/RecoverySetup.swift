import Foundation

/// What point-in-time recovery needs: the base backup, the archive (read only), the target.
public struct RecoverySetup: Sendable {
    public var base: BaseBackup
    public var archive: WALArchive
    public var target: RecoveryTarget

    public init(base: BaseBackup, archive: WALArchive, target: RecoveryTarget) {
        self.base = base
        self.archive = archive
        self.target = target
    }
}

extension RecoverySetup {
    /// The recovery settings both targets append to the backup's own configuration; only the
    /// listening lines differ per target. Archiving is off, so the recovered server can never
    /// write into the archive it reads. The log goes to stderr in English whatever the backup's
    /// own logging settings, because the drill reads it to say how far recovery got.
    func serverSettings(archivePath: String) -> [String] {
        var settings = [
            "archive_mode = off",
            "restore_command = 'cp \"\(archivePath)/%f\" \"%p\"'",
            "recovery_target_timeline = 'latest'",
            "recovery_target_action = 'promote'",
            "max_wal_size = '4GB'",
            "logging_collector = off",
            "lc_messages = 'C'",
        ]
        if case .time(let date) = target {
            settings.append("recovery_target_time = '\(Self.postgresTime(date))'")
        }
        return settings
    }

    /// `2026-11-21 23:15:03.791+00`: PostgreSQL's recovery_target_time refuses ISO 8601's
    /// `T…Z` spelling that timestamptz itself would accept.
    static func postgresTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.string(from: date) + "+00"
    }
}
