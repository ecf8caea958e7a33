import Foundation

/// `restore-drill manifest`: what production holds, read in one REPEATABLE READ READ ONLY
/// snapshot, optionally with the user's pg_dump run inside that very snapshot so the
/// manifest and the dump agree exactly.
public struct ManifestTaker: Sendable {
    public var connection: ConnectionParameters
    /// Money columns and invoice sequences to total, taken from a scenario's checks.
    public var checks: [CheckSpec]
    /// A shell command with `{snapshot}` in it, e.g. `pg_dump -Fc --snapshot={snapshot} -f db.dump`.
    public var exec: String?
    /// The file or folder `exec` writes; its sha256 and size go into the manifest.
    public var dumpPath: String?
    /// `--record NAME=COMMAND`: shell commands whose output is recorded under NAME, over the
    /// `run` of a check whose `output_recorded` is NAME (production's own invocation).
    public var records: [String: String]
    /// Where a check's `run` starts: the scenario's folder, as on a drill.
    public var commandsFolder: String?
    /// Whether the checks' `output_recorded` programs run: only against production. The upgrade
    /// gate takes its sides the same way, on the restored copy, where they must not.
    public var recordsOutputs: Bool
    /// How long a `--record` program may run while production's snapshot is held.
    static let recordTimeoutSeconds: Double = 300

    /// What a recorded output is named: it is written in scenarios and on command lines.
    public static let recordNamePattern = #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#
    /// A recorded output is a listing (plugins, versions), not data: beyond this it is refused.
    static let recordLimit = 1 << 20

    public init(connection: ConnectionParameters, checks: [CheckSpec] = [], exec: String? = nil, dumpPath: String? = nil,
                records: [String: String] = [:], commandsFolder: String? = nil, recordsOutputs: Bool = false) {
        self.recordsOutputs = recordsOutputs
        self.connection = connection
        self.checks = checks
        self.exec = exec
        self.dumpPath = dumpPath
        self.records = records
        self.commandsFolder = commandsFolder
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func take(onOutput: (@Sendable (String) -> Void)? = nil) async throws -> Manifest {
        if exec != nil, dumpPath == nil {
            throw Failure(description: "--exec needs --dump PATH: the file (or folder) the command writes, so the manifest can record its sha256")
        }
        if let exec, !exec.contains("{snapshot}") {
            throw Failure(description: "the --exec command has no {snapshot}: add `--snapshot={snapshot}` to its pg_dump so the dump is taken in the manifest's snapshot")
        }
        let db = try await PostgresConnection.connect(connection)
        defer { db.close() }
        try await db.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let snapshot = try await db.query("SELECT pg_export_snapshot()").scalar
        let takenAt = try await db.query("SELECT to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')").scalar
            .flatMap(ISO8601.date(from:)) ?? Date()
        let database = try await db.query("SELECT current_database()").scalar ?? "?"
        let version = try await db.query("SHOW server_version").scalar ?? "?"
        var manifest = Manifest(takenAt: takenAt, database: database, serverVersion: version, snapshot: snapshot)
        manifest.rowCounts = try await rowCounts(db)
        var commands: [String: (command: Command, timeoutSeconds: Double)] = [:]
        for need in checks.compactMap(makeCheck).flatMap(\.manifestNeeds) {
            switch need {
            case .moneyTotals(let column, let currency):
                manifest.moneyTotals[column.description] = try await Self.moneyTotals(db, column: column, currency: currency)
            case .invoiceLatest(let invoices):
                manifest.invoiceLatest["\(invoices.table).\(invoices.column)"] = try await Self.latestNumbers(db, invoices)
            case .commandOutput(let name, let run, let timeout):
                if recordsOutputs, let executable = run.first {
                    commands[name] = (Command(executable, Array(run.dropFirst()), environment: programEnvironment, workingDirectory: commandsFolder),
                                      timeout)
                }
            }
        }
        for (name, shell) in records {
            commands[name] = (Command("/bin/sh", ["-c", shell], environment: programEnvironment, workingDirectory: commandsFolder),
                              Self.recordTimeoutSeconds)
        }
        manifest.schema = try await SchemaFingerprintReader.read(db, inTransaction: true)
        if let exec, let snapshot, let dumpPath {
            let command = exec.replacingOccurrences(of: "{snapshot}", with: snapshot)
            let output = try await CommandRunner.run(Command("/bin/sh", ["-c", command]),
                                                     onStandardOutputLine: onOutput, onStandardErrorLine: onOutput)
            guard output.succeeded else {
                _ = try? await db.query("ROLLBACK")
                throw Failure(description: "the dump command failed (\(output.statusDescription)): \(output.errorTail())")
            }
            let (hash, size) = try FileDigest.sha256(path: dumpPath)
            manifest.dump = .init(path: URL(fileURLWithPath: dumpPath).lastPathComponent, sha256: hash, sizeBytes: size)
        }
        // While the snapshot is held: the programs read production as close to it as they can.
        if !commands.isEmpty {
            do {
                manifest.commandOutputs = try await Self.recordOutputs(commands)
            } catch {
                _ = try? await db.query("ROLLBACK")
                throw error
            }
        }
        try await db.query("COMMIT")
        return manifest
    }

    /// The connection's `PG*` variables over the inherited ones; the password stays where
    /// libpq finds it (`PGPASSWORD`, `~/.pgpass`).
    private var programEnvironment: [String: String?] {
        var environment: [String: String?] = [:]
        if let host = connection.host { environment["PGHOST"] = host }
        if let port = connection.port { environment["PGPORT"] = String(port) }
        if let user = connection.user { environment["PGUSER"] = user }
        if let database = connection.database { environment["PGDATABASE"] = database }
        return environment
    }

    static func recordOutputs(_ commands: [String: (command: Command, timeoutSeconds: Double)]) async throws -> [String: Manifest.RecordedOutput] {
        var outputs: [String: Manifest.RecordedOutput] = [:]
        for (name, (command, timeout)) in commands.sorted(by: { $0.key < $1.key }) {
            let output: CommandOutput
            // Bounded: a program that hangs would hold production's snapshot open.
            switch await CommandCheck.run(command, timeoutSeconds: timeout, captureLimit: Self.recordLimit + 1) {
            case .finished(let finished): output = finished
            case .timedOut:
                throw Failure(description: "the command recorded as \(name) did not finish within \(DurationText.formatObjective(timeout)); it was stopped")
            case .failedToStart(let error):
                throw Failure(description: "the command recorded as \(name) could not start: \(error)")
            case .interrupted:
                throw CancellationError()
            }
            guard output.succeeded else {
                throw Failure(description: "the command recorded as \(name) failed (\(output.statusDescription)): \(output.errorTail())")
            }
            guard output.standardOutput.utf8.count <= Self.recordLimit else {
                throw Failure(description: "the command recorded as \(name) printed more than \(Self.recordLimit >> 20) MiB: "
                              + "a recorded output is a listing to compare (plugins, versions), not data")
            }
            outputs[name] = Manifest.RecordedOutput(command: command.displayLine, output: output.standardOutput)
        }
        return outputs
    }

    /// Every user table's exact count in one statement, computed on the server.
    private func rowCounts(_ db: PostgresConnection) async throws -> [String: Int64] {
        let result = try await db.query("""
            SELECT n.nspname || '.' || c.relname,
                   (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            ORDER BY 1
            """)
        var counts: [String: Int64] = [:]
        for row in result.rows {
            if let name = row[0], let count = row[1].flatMap({ Int64($0) }) { counts[name] = count }
        }
        return counts
    }

    static func moneyTotals(_ db: any DatabaseConnection, column: ColumnReference, currency: ColumnReference?) async throws -> [String: Int64] {
        let sql = MoneyTotals.query(for: column, groupedBy: MoneyTotals.groupingColumn(for: column, currency: currency), engine: db.engine)
        var totals: [String: Int64] = [:]
        for row in try await db.query(sql).rows {
            // A float column sums to text like 1234.5; record what it rounds to, the money check flags the type.
            totals[row[0] ?? "NULL"] = row[1].flatMap(MoneyTotals.wholeCents)
        }
        return totals
    }

    static func latestNumbers(_ db: any DatabaseConnection, _ spec: InvoiceSequenceCheckSpec) async throws -> [String: Int64] {
        let engine = db.engine
        // SQLite's CAST reads `12abc` as 12 where PostgreSQL's refuses it: only a whole number
        // from 1, as the invoice check counts one, is a latest number there.
        let written = engine.text(spec.column.sqlIdentifier)
        let number = engine == .sqlite
            ? "CASE WHEN \(InvoiceSequenceCheck.wholeNumberFromOne(written, .sqlite)) THEN \(engine.bigint(written)) END"
            : engine.bigint("(\(spec.column.sqlIdentifier))")
        let sql = spec.series.map { "SELECT \(engine.text($0.sqlIdentifier)), \(engine.text("max(\(number))")) FROM \(spec.table.sqlQualifiedIdentifier) GROUP BY 1" }
            ?? "SELECT '', \(engine.text("max(\(number))")) FROM \(spec.table.sqlQualifiedIdentifier)"
        var latest: [String: Int64] = [:]
        for row in try await db.query(sql).rows {
            if let value = row[1].flatMap({ Int64($0) }) { latest[row[0] ?? ""] = value }
        }
        return latest
    }
}
