import Foundation

/// Reads one side of an upgrade: what the app's health says it is, and what the database
/// holds, taken the way `restore-drill manifest` takes production's (every table's row count,
/// the money totals and latest invoices the scenario's checks compare, the schema), plus the
/// database's size and the migrations table.
enum UpgradeFiguresReader {
    static func read(_ parameters: ConnectionParameters, scenario: Scenario, migrations: MigrationsTable?) async throws -> UpgradeFigures {
        let figures = try await ManifestTaker(connection: parameters, checks: scenario.checks).take()
        let connection = try await PostgresConnection.connect(parameters)
        defer { connection.close() }
        let size = try await connection.query("SELECT pg_database_size(current_database())::text").scalar.flatMap { Int64($0) }
        var applied: [String]?
        if let migrations { applied = try await Self.migrations(migrations, on: connection) }
        var read = UpgradeFigures(figures: figures, databaseSizeBytes: size, migrations: applied)
        read.otherObjects = try await otherObjects(on: connection)
        return read
    }

    /// A SQLite store's side, read as `restore-drill manifest --sqlite` reads production: one
    /// read transaction on the file, the app may run beside it.
    static func readSQLite(_ file: String, scenario: Scenario, migrations: MigrationsTable?) async throws -> UpgradeFigures {
        let figures = try await SQLiteManifestTaker(file: file, checks: scenario.checks).take()
        let connection = try await SQLiteConnection.open(file, mode: .readOnly)
        defer { connection.close() }
        // Without a migrations table, the schema version SQLite keeps for the app (`PRAGMA
        // user_version`, StoreIT's) is the one entry: a snapshot upgrade replaces it.
        let applied = if let migrations { try await Self.migrations(migrations, on: connection) }
            else { ["schema version " + (try await connection.query("PRAGMA user_version").scalar ?? "0")] }
        return UpgradeFigures(figures: figures, databaseSizeBytes: BackupFacts.size(of: file), migrations: applied)
    }

    /// What the schema's fingerprint does not hold but a migration may add: functions, types
    /// (enums, domains, composites, ranges) and schemas of the database's own, not of an
    /// extension. `pg_restore --clean` leaves them standing when its dump does not hold them.
    static func otherObjects(on connection: PostgresConnection) async throws -> [String] {
        // Every name qualified, as the fingerprint names tables: `function public.loyalty_of(integer)`.
        _ = try await connection.query("SELECT set_config('search_path', 'pg_catalog', false)")
        return try await connection.query("""
            WITH own AS (
                SELECT oid FROM pg_namespace
                WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
            ), extension_members AS (
                SELECT objid FROM pg_depend WHERE deptype = 'e'
            )
            SELECT 'schema ' || quote_ident(n.nspname) FROM pg_namespace n
            WHERE n.oid IN (SELECT oid FROM own) AND n.nspname <> 'public' AND n.oid NOT IN (SELECT objid FROM extension_members)
            UNION ALL
            SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate ' ELSE 'function ' END || p.oid::regprocedure::text
            FROM pg_proc p
            WHERE p.pronamespace IN (SELECT oid FROM own) AND p.oid NOT IN (SELECT objid FROM extension_members)
            UNION ALL
            SELECT CASE t.typtype WHEN 'e' THEN 'enum type ' WHEN 'd' THEN 'domain ' WHEN 'r' THEN 'range type ' WHEN 'm' THEN 'multirange type ' ELSE 'type ' END
                   || t.oid::regtype::text
            FROM pg_type t
            WHERE t.typnamespace IN (SELECT oid FROM own) AND t.oid NOT IN (SELECT objid FROM extension_members)
              AND (t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
            ORDER BY 1
            """).rows.compactMap { $0[0] }
    }

    /// `read` for a step of the gate: the restored database under the target, and a failure to
    /// read it is the step's error, naming what was being read.
    static func read(_ what: String, in drill: DrillContext, migrations: MigrationsTable?) async throws -> UpgradeFigures {
        if drill.scenario.environment.database.engine == .sqlite {
            guard let file = drill.target.restoredFile else { throw StepFailure(.error, "no restored database to read \(what) from") }
            do {
                return try await readSQLite(file, scenario: drill.scenario, migrations: migrations)
            } catch {
                throw StepFailure(.error, "could not read \(what): \(error)")
            }
        }
        guard let parameters = drill.target.connectionParameters(database: drill.scenario.environment.database.name) else {
            throw StepFailure(.error, "no restored database to read \(what) from")
        }
        do {
            return try await read(parameters, scenario: drill.scenario, migrations: migrations)
        } catch {
            throw StepFailure(.error, "could not read \(what): \(error)")
        }
    }

    /// The migrations table's rows, ordered by id as the table holds it (numbers as numbers),
    /// each named `12 customer_name_parts`.
    static func migrations(_ table: MigrationsTable, on connection: any DatabaseConnection) async throws -> [String] {
        let engine = connection.engine
        let name = table.name.map { " || ' ' || \(engine.text($0.sqlIdentifier))" } ?? ""
        return try await connection.query(
            "SELECT \(engine.text(table.id.sqlIdentifier))\(name) FROM \(table.table.sqlQualifiedIdentifier) ORDER BY \(table.id.sqlIdentifier)"
        ).rows.compactMap { $0[0] }
    }

    /// The version the app reports: under the JSON key the scenario names, or the whole
    /// answer for an endpoint that answers the bare version.
    static func version(_ probe: VersionProbe, at address: AppAddress) async throws -> String {
        let url = address.url(probe.url)
        let answer = try await HTTPExchange.send("GET", url)
        if probe.body == .text {
            let text = String(decoding: answer.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard answer.status == 200, !text.isEmpty, !text.contains("\n"), text.count <= 64 else {
                throw StepFailure(.fail, "GET \(url) answered \(answer.status)"
                                  + (text.isEmpty ? " with nothing" : " with \(text.count > 64 ? "more than a version" : "'\(text.prefix(64))'")")
                                  + ": the version cannot be read")
            }
            return text
        }
        guard let object = answer.json as? [String: Any], let value = object[probe.key] else {
            throw StepFailure(.fail, "GET \(url) answered \(answer.status) without a \"\(probe.key)\" key: the version cannot be read")
        }
        return "\(value)"
    }

    /// Nil when `version` is what was expected, else why not.
    static func mismatch(_ version: String, expected: String?, side: String) -> String? {
        guard let expected, version != expected else { return nil }
        return "the \(side) version's health reports \(version), expected \(expected)"
    }
}
