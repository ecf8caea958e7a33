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

    public init(connection: ConnectionParameters, checks: [CheckSpec] = [], exec: String? = nil, dumpPath: String? = nil) {
        self.connection = connection
        self.checks = checks
        self.exec = exec
        self.dumpPath = dumpPath
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
        for need in checks.compactMap(makeCheck).flatMap(\.manifestNeeds) {
            switch need {
            case .moneyTotals(let column, let currency):
                manifest.moneyTotals[column.description] = try await moneyTotals(db, column: column, currency: currency)
            case .invoiceLatest(let invoices):
                manifest.invoiceLatest["\(invoices.table).\(invoices.column)"] = try await latestNumbers(db, invoices)
            }
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
        try await db.query("COMMIT")
        return manifest
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

    private func moneyTotals(_ db: PostgresConnection, column: ColumnReference, currency: ColumnReference?) async throws -> [String: Int64] {
        let sql = MoneyTotals.query(for: column, groupedBy: MoneyTotals.groupingColumn(for: column, currency: currency))
        var totals: [String: Int64] = [:]
        for row in try await db.query(sql).rows {
            // A float column sums to text like 1234.5; record what it rounds to, the money check flags the type.
            totals[row[0] ?? "NULL"] = row[1].flatMap { Int64($0) ?? Double($0).flatMap { Int64(exactly: $0.rounded()) } }
        }
        return totals
    }

    private func latestNumbers(_ db: PostgresConnection, _ spec: InvoiceSequenceCheckSpec) async throws -> [String: Int64] {
        let number = "(\(spec.column.sqlIdentifier))::bigint"
        let sql = spec.series.map { "SELECT \($0.sqlIdentifier)::text, max(\(number))::text FROM \(spec.table.sqlQualifiedIdentifier) GROUP BY 1" }
            ?? "SELECT '', max(\(number))::text FROM \(spec.table.sqlQualifiedIdentifier)"
        var latest: [String: Int64] = [:]
        for row in try await db.query(sql).rows {
            if let value = row[1].flatMap({ Int64($0) }) { latest[row[0] ?? ""] = value }
        }
        return latest
    }
}
