import Foundation

/// Point-in-time recovery in the database container: the base backup unpacked into the
/// service's own volume by a one-off container of the same image, the archive copied beside
/// the data (any engine, local or remote), then the service started to recover and promote.
extension ComposeTarget {
    static let dataFolder = "/var/lib/postgresql/data"
    static let archiveCopy = dataFolder + "/restore-drill-wal"

    /// Fills the volume; starts nothing the drill keeps. Returns evidence.
    public func prepareRecovery(_ setup: RecoverySetup) async throws -> [String] {
        let started = try await project.compose(["run", "--detach", "--no-deps", "--user", "root", "--entrypoint", "sleep",
                                                 databaseService, "infinity"])
        guard let container = started.standardOutput.split(separator: "\n").last.map({ String($0).trimmingCharacters(in: .whitespaces) }),
              !container.isEmpty else {
            throw Failure(description: "docker compose run printed no container for the unpacking")
        }
        do {
            let evidence = try await unpack(setup, in: container)
            _ = try? await CommandRunner.run(Command("docker", ["rm", "--force", container]))
            return evidence
        } catch {
            _ = try? await CommandRunner.run(Command("docker", ["rm", "--force", container]))
            throw error
        }
    }

    private func unpack(_ setup: RecoverySetup, in container: String) async throws -> [String] {
        func copy(_ source: String, _ destination: String) async throws {
            let output = try await CommandRunner.run(Command("docker", ["cp", source, "\(container):\(destination)"]))
            guard output.succeeded else { throw Failure(description: "docker cp \(source) failed: \(output.errorTail())") }
        }
        let mkdir = try await CommandRunner.run(Command("docker", ["exec", container, "mkdir", "-p", "/restore-drill"]))
        guard mkdir.succeeded else { throw Failure(description: "could not prepare the unpacking container: \(mkdir.errorTail())") }
        switch setup.base.layout {
        case .plainFolder(let folder): try await copy(folder, "/restore-drill/base")
        case .tarFiles(let base, let wal):
            try await copy(base, "/restore-drill/base.tar")
            if let wal { try await copy(wal, "/restore-drill/pg_wal.tar") }
        }
        try await copy(setup.archive.path, "/restore-drill/wal")
        let settings = ([
            "listen_addresses = '*'",
            "port = \(Self.databasePort)",
            "unix_socket_directories = '/var/run/postgresql'",
            "hba_file = '\(Self.dataFolder)/restore-drill-hba.conf'",
        ] + setup.serverSettings(archivePath: Self.archiveCopy)).joined(separator: "\n")
        // The restored roles keep production's passwords: trust on the container's own socket
        // only; the harness sets a per-run password once recovery has promoted.
        let script = """
            set -e
            d=\(Self.dataFolder)
            mkdir -p "$d" && find "$d" -mindepth 1 -delete
            if [ -d /restore-drill/base ]; then cp -R /restore-drill/base/. "$d"; else tar -xf /restore-drill/base.tar -C "$d"; fi
            mkdir -p "$d/pg_wal"
            if [ -f /restore-drill/pg_wal.tar ]; then tar -xf /restore-drill/pg_wal.tar -C "$d/pg_wal"; fi
            mv /restore-drill/wal "\(Self.archiveCopy)"
            [ -f "$d/postgresql.conf" ] || : > "$d/postgresql.conf"
            printf '\\n# restore-drill: point-in-time recovery\\n%s\\n' "$DRILL_SETTINGS" >> "$d/postgresql.auto.conf"
            printf 'local all all trust\\nhost all all all scram-sha-256\\n' > "$d/restore-drill-hba.conf"
            : > "$d/recovery.signal"
            chown -R postgres:postgres "$d"
            chmod 700 "$d"
            """
        let unpacked = try await CommandRunner.run(Command("docker", ["exec", "-e", "DRILL_SETTINGS", container, "sh", "-c", script],
                                                           environment: ["DRILL_SETTINGS": settings]))
        guard unpacked.succeeded else {
            throw Failure(description: "unpacking the base backup in the \(databaseService) volume failed: \(unpacked.errorTail())")
        }
        return ["base backup and WAL archive copied into the \(databaseService) volume by a one-off container (docker cp), unpacked there",
                "archive_mode off; restore_command reads the archive's copy at \(Self.archiveCopy)",
                "recovery.signal written; the restored roles are reached by the container's own socket only until promotion"]
    }

    /// Starts the database service and waits until recovery has promoted; then gives the
    /// drill's role a per-run password and publishes the port for the harness.
    public func recover(_ setup: RecoverySetup) async throws -> RecoveryOutcome {
        let clock = ContinuousClock.now
        try await project.compose(["up", "--detach", "--no-deps", databaseService])
        let user = options.database.user, database = options.database.name
        func psql(_ sql: String) async throws -> CommandOutput {
            try await project.exec(databaseService, ["psql", "-X", "-At", "-U", user, "-d", database, "-c", sql])
        }
        while true {
            try Task.checkCancellation()
            let answer = try await psql("SELECT pg_is_in_recovery()")
            if answer.succeeded, answer.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "f" { break }
            if !answer.succeeded, RecoveryLog.isPermanentRefusal(answer.standardError) {
                throw RecoveryFailure.serverStopped(detail: "the recovering server refuses the drill's connection: \(answer.errorTail())")
            }
            let running = try await project.states().contains { $0.service == databaseService && $0.state == "running" }
            if !running {
                throw RecoveryLog.failure(in: (try? await project.logs([databaseService])) ?? "", setup: setup)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let last = try await psql("SELECT extract(epoch FROM pg_last_xact_replay_timestamp())")
        let outcome = try RecoveryLog.promoted(log: (try? await project.logs([databaseService])) ?? "", lastReplayEpoch: last.standardOutput,
                                               replaySeconds: (ContinuousClock.now - clock).seconds, setup: setup)
        // The password goes through the environment and the shell's builtin printf: never argv.
        let setPassword = try await CommandRunner.run(project.execCommand(databaseService, ["sh", "-c", """
            printf 'ALTER ROLE "%s" PASSWORD '"'"'%s'"'"';\\n' "$PGUSER" "$DRILL_PASSWORD" | psql -X -q -v ON_ERROR_STOP=1 -d "\(database)"
            """], secrets: ["PGUSER": user, "DRILL_PASSWORD": password]))
        guard setPassword.succeeded else {
            throw RecoveryFailure.serverStopped(detail: "could not give \(user) the run's password: \(setPassword.errorTail())")
        }
        _ = try await publishDatabase()
        return outcome
    }
}
