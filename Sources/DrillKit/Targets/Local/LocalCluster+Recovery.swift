import Foundation

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
        let settings = [
            "",
            "# restore-drill: point-in-time recovery in a private throwaway (these lines win over the backup's own).",
            "listen_addresses = ''",
            "port = \(port)",
            "unix_socket_directories = '\(socketDirectory)'",
            "unix_socket_permissions = 0700",
            "hba_file = '\(hba)'",
        ] + setup.serverSettings(archivePath: setup.archive.path)
        let autoConf = dataDirectory + "/postgresql.auto.conf"
        try Self.append(settings.joined(separator: "\n") + "\n", to: autoConf)
        // Without it the server would only replay pg_wal and come up as a primary: no recovery at all.
        guard fileManager.createFile(atPath: dataDirectory + "/recovery.signal", contents: nil) else {
            throw StartError(description: "could not write recovery.signal in \(dataDirectory)")
        }
        for path in [directory, socketDirectory, hba, dataDirectory + "/postgresql.conf", autoConf, dataDirectory + "/recovery.signal",
                     directory + "/" + ThrowawayMarker.fileName] {
            if let runAs { chown(path, runAs.uid, runAs.gid) }
        }
    }

    /// Starts the server and waits until recovery has ended and it accepts writes; reads its log
    /// to say how far it got, or why it stopped.
    public func recover(_ setup: RecoverySetup) async throws -> RecoveryOutcome {
        prepareLogFile()
        let clock = ContinuousClock.now
        let started = try await CommandRunner.run(Command(binaries.pgCtl, ["--pgdata", dataDirectory, "--log", logFile, "--no-wait", "start"],
                                                          runAs: runAs))
        guard started.succeeded else { throw RecoveryFailure.serverStopped(detail: started.errorTail()) }
        var sawServer = false
        while true {
            try Task.checkCancellation()
            let connection: PostgresConnection?
            do {
                connection = try await PostgresConnection.connect(connectionParameters(database: "postgres"))
            } catch let error as PostgresError where RecoveryLog.isPermanentRefusal(error.message) {
                throw RecoveryFailure.serverStopped(detail: "the recovering server refuses the drill's connection: \(error.message)")
            } catch {
                connection = nil
            }
            if let connection {
                sawServer = true
                let inRecovery = try? await connection.query("SELECT pg_is_in_recovery()").scalar
                if inRecovery == "f" {
                    let last = try? await connection.query("SELECT extract(epoch FROM pg_last_xact_replay_timestamp())").scalar
                    connection.close()
                    return try RecoveryLog.promoted(log: logText, lastReplayEpoch: last,
                                                    replaySeconds: (ContinuousClock.now - clock).seconds, setup: setup)
                }
                connection.close()
            } else if serverPid.map(processIsAlive) != true, sawServer || (ContinuousClock.now - clock) > .seconds(3) {
                throw RecoveryLog.failure(in: logText, setup: setup)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private var logText: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }
}
