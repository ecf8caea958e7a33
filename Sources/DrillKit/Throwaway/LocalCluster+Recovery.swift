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

/// How recovery went, read from the server and its log.
public struct RecoveryOutcome: Sendable {
    public var segmentsReplayed: Int
    public var lastRestoredSegment: String?
    public var replaySeconds: Double
    /// `pg_last_xact_replay_timestamp()`: the last transaction recovery applied.
    public var lastTransaction: Date?
    /// PostgreSQL's own line saying where it stopped (`recovery stopping before commit …`).
    public var stopLine: String?
}

/// Why recovery did not end with a promoted server at the target.
public enum RecoveryFailure: Error, Sendable {
    case targetUnreached(lastSegment: String?, detail: String)
    case targetBeforeConsistency(detail: String)
    case segmentMissing(segment: String, laterSegments: Int, detail: String)
    case serverStopped(detail: String)
}

extension LocalCluster {
    /// A throwaway cluster whose data folder is the base backup, set to recover from the
    /// archive up to the target and promote there. It listens on its private unix socket only,
    /// with trust: the backup's roles keep production's passwords, which the drill does not know.
    /// Archiving is off, so the recovered server can never write into the archive it reads.
    public static func createForRecovery(_ options: Options, setup: RecoverySetup) async throws -> LocalCluster {
        try await make(options) { try await $0.prepareRecovery(setup) }
    }

    private func prepareRecovery(_ setup: RecoverySetup) async throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try fileManager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try await setup.base.unpack(into: dataDirectory, runAs: runAs)
        let hba = directory + "/pg_hba.conf"
        try "local all all trust\n".write(toFile: hba, atomically: true, encoding: .utf8)
        // Debian keeps postgresql.conf outside the data folder, so a backup may have none.
        if !fileManager.fileExists(atPath: dataDirectory + "/postgresql.conf") {
            try "".write(toFile: dataDirectory + "/postgresql.conf", atomically: true, encoding: .utf8)
        }
        var settings = """

            # restore-drill: point-in-time recovery in a private throwaway (these lines win over the backup's own).
            listen_addresses = ''
            port = \(port)
            unix_socket_directories = '\(socketDirectory)'
            unix_socket_permissions = 0700
            hba_file = '\(hba)'
            archive_mode = off
            restore_command = 'cp "\(setup.archive.path)/%f" "%p"'
            recovery_target_timeline = 'latest'
            recovery_target_action = 'promote'
            max_wal_size = '4GB'

            """
        if case .time(let date) = setup.target {
            settings += "recovery_target_time = '\(Self.postgresTime(date))'\n"
        }
        let autoConf = dataDirectory + "/postgresql.auto.conf"
        if !fileManager.fileExists(atPath: autoConf) { _ = fileManager.createFile(atPath: autoConf, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: autoConf))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
        _ = fileManager.createFile(atPath: dataDirectory + "/recovery.signal", contents: nil)
        for path in [directory, socketDirectory, hba, dataDirectory + "/postgresql.conf", autoConf, dataDirectory + "/recovery.signal",
                     directory + "/" + ThrowawayMarker.fileName] {
            if let runAs { chown(path, runAs.uid, runAs.gid) }
        }
    }

    /// Starts the server and waits until recovery has ended and it accepts writes; reads its log
    /// to say how far it got, or why it stopped.
    public func recover(_ setup: RecoverySetup, database: String) async throws -> RecoveryOutcome {
        if let runAs, !FileManager.default.fileExists(atPath: logFile) {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil, attributes: [.posixPermissions: 0o600])
            chown(logFile, runAs.uid, runAs.gid)
        }
        let clock = ContinuousClock.now
        let started = try await CommandRunner.run(Command(binaries.pgCtl, ["--pgdata", dataDirectory, "--log", logFile, "--no-wait", "start"],
                                                          runAs: runAs))
        guard started.succeeded else { throw RecoveryFailure.serverStopped(detail: started.errorTail()) }
        var sawServer = false
        while true {
            try Task.checkCancellation()
            if let connection = try? await PostgresConnection.connect(connectionParameters(database: "postgres")) {
                sawServer = true
                let inRecovery = try? await connection.query("SELECT pg_is_in_recovery()").scalar
                if inRecovery == "f" {
                    let last = try? await connection.query("SELECT extract(epoch FROM pg_last_xact_replay_timestamp())").scalar
                    connection.close()
                    var outcome = RecoveryLog.outcome(in: logText)
                    outcome.replaySeconds = (ContinuousClock.now - clock).seconds
                    outcome.lastTransaction = last.flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0) }
                    if let hole = RecoveryLog.holeAfterPromotion(outcome, setup: setup) { throw hole }
                    return outcome
                }
                connection.close()
            } else if serverPid.map(processIsAlive) != true, sawServer || (ContinuousClock.now - clock) > .seconds(3) {
                throw RecoveryLog.failure(in: logText, setup: setup)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private var logText: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

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
