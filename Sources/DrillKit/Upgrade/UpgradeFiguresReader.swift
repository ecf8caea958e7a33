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
        return UpgradeFigures(figures: figures, databaseSizeBytes: size, migrations: applied)
    }

    /// `read` for a step of the gate: the restored database under the target, and a failure to
    /// read it is the step's error, naming what was being read.
    static func read(_ what: String, in drill: DrillContext, migrations: MigrationsTable?) async throws -> UpgradeFigures {
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
    static func migrations(_ table: MigrationsTable, on connection: PostgresConnection) async throws -> [String] {
        let name = table.name.map { " || ' ' || \($0.sqlIdentifier)::text" } ?? ""
        return try await connection.query(
            "SELECT \(table.id.sqlIdentifier)::text\(name) FROM \(table.table.sqlQualifiedIdentifier) ORDER BY \(table.id.sqlIdentifier)"
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
