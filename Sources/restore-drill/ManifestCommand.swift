import ArgumentParser
import DrillCommandLine
import DrillKit
import Foundation

struct ManifestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Record what production holds, at dump time, for the drill to compare against.",
        discussion: """
            Read-only: one REPEATABLE READ READ ONLY transaction. Records row counts of every table, \
            the schema's fingerprint (what a schema check compares), and, with --scenario, the money totals and latest invoice numbers its checks compare. \
            With --exec the dump is taken inside the same snapshot, so manifest and dump agree \
            exactly:

              restore-drill manifest --scenario Scenarios/sovecom-monthly.yml \\
                --exec 'pg_dump -Fc --no-owner --snapshot={snapshot} -f /var/backups/db.dump' \\
                --dump /var/backups/db.dump --out /var/backups/db.manifest.json

            With --scenario, a command check whose expect.output_recorded is NAME has its command run \
            here, against production, and its output recorded under NAME; --record NAME='COMMAND' runs \
            production's own invocation instead (a shell command), or records one more:

              restore-drill manifest --scenario Scenarios/ecommus-monthly.yml \\
                --record plugins='node --experimental-strip-types apps/api/src/cli/list-plugins.ts' ...

            A SQLite store: --sqlite names production's file, opened read-only and read in one read \
            transaction; --backup-to FILE writes the backup from that very snapshot (SQLite's online \
            backup), so manifest and backup agree exactly even while the app writes:

              restore-drill manifest --sqlite /srv/storeit/data/db/storeit.db \\
                --scenario Scenarios/storeit-monthly.yml \\
                --backup-to /var/backups/storeit.db --out /var/backups/storeit.manifest.json

            (--exec with --dump runs your own backup command while the transaction is held; the \
            file it writes is counted again and refused if production moved on meanwhile.)

            Connection: the usual libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD) \
            or the flags below; the password only ever from PGPASSWORD or ~/.pgpass. --exec runs \
            with the same environment, so its pg_dump connects the same way.
            """
    )

    @Option(help: "A scenario whose money and invoice_sequence checks say what to total.")
    var scenario: String?

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "A shell command that writes the dump; {snapshot} is replaced by the snapshot id.")
    var exec: String?

    @Option(help: "The file or folder --exec writes; its sha256 and size are recorded and written to PATH.sha256.")
    var dump: String?

    @Option(help: "Where to write the manifest (JSON). Default: standard output.")
    var out: String?

    @Option(help: "A SQLite store: production's database file, read-only, instead of a PostgreSQL connection.")
    var sqlite: String?

    @Option(name: .customLong("backup-to"), help: "With --sqlite: write the backup to FILE from the manifest's own snapshot (and FILE.sha256).")
    var backupTo: String?

    @Option(name: .customLong("record"), help: "NAME='COMMAND': record what a shell command prints against production, under NAME (repeatable).")
    var records: [String] = []

    func run() async throws {
        // Before production is read or a dump taken: a manifest that cannot be written is lost work.
        if let out {
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder) else {
                FileHandle.standardError.write(Data("manifest: cannot write \(out): the folder \(folder) does not exist (create it first)\n".utf8))
                throw ExitCode(2)
            }
        }
        var recorded: [String: String] = [:]
        for record in records {
            let parts = record.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0].range(of: ManifestTaker.recordNamePattern, options: .regularExpression) != nil,
                  !parts[1].trimmingCharacters(in: .whitespaces).isEmpty else {
                FileHandle.standardError.write(Data("manifest: --record '\(record)' is not NAME='COMMAND' (a name of letters, digits, '-', '_', '.', then the shell command)\n".utf8))
                throw ExitCode(2)
            }
            recorded[parts[0]] = parts[1]
        }
        var checks: [CheckSpec] = []
        var folder: String?
        if let scenario {
            do {
                let loaded = try ScenarioLoader.load(path: scenario)
                checks = loaded.checks
                folder = URL(fileURLWithPath: loaded.file).deletingLastPathComponent().path
            } catch let error as ScenarioLoadError {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(2)
            }
        }
        if backupTo != nil, sqlite == nil {
            FileHandle.standardError.write(Data("manifest: --backup-to copies a SQLite store: give its file with --sqlite (PostgreSQL: --exec with pg_dump --snapshot={snapshot})\n".utf8))
            throw ExitCode(2)
        }
        let manifest: Manifest
        let echo: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        do {
            if let sqlite {
                manifest = try await SQLiteManifestTaker(file: sqlite, checks: checks, backupTo: backupTo, exec: exec, dumpPath: dump,
                                                         records: recorded, commandsFolder: folder, recordsOutputs: true).take(onOutput: echo)
            } else {
                manifest = try await ManifestTaker(connection: connection.parameters(applicationName: "restore-drill manifest"), checks: checks, exec: exec,
                                                   dumpPath: dump, records: recorded, commandsFolder: folder, recordsOutputs: true).take(onOutput: echo)
            }
        } catch {
            FileHandle.standardError.write(Data("manifest: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let written = backupTo ?? dump, let fingerprint = manifest.dump {
            try "\(fingerprint.sha256)  \(fingerprint.path)\n".write(toFile: written + ".sha256", atomically: true, encoding: .utf8)
        }
        let json = try JSONEncoder.drill.encode(manifest)
        if let out {
            do {
                try json.write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                FileHandle.standardError.write(Data("manifest: cannot write \(out): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
            FileHandle.standardError.write(Data("manifest written to \(out): \(manifest.rowCounts.count) tables".utf8
                + (manifest.schema.map { Data(", schema of \($0.counts)".utf8) } ?? Data())
                + (manifest.commandOutputs.map { Data(", outputs of \($0.keys.sorted().joined(separator: ", "))".utf8) } ?? Data())
                + (manifest.dump.map { Data(", \(sqlite == nil ? "dump" : "backup") sha256 \($0.sha256)".utf8) } ?? Data()) + Data("\n".utf8)))
        } else {
            FileHandle.standardOutput.write(json + Data("\n".utf8))
        }
    }
}
