import DrillKit
import Foundation

/// Applies the compiled-in migrations that a database has not recorded yet, each in its own
/// transaction, and checks that the history it finds is one this binary wrote.
struct Migrator {
    let connection: PostgresConnection
    let migrations: [Migration]

    /// Serialises concurrent `refstore migrate` runs against one database; any constant
    /// works as long as nothing else in the database uses it.
    private static let advisoryLockKey = "7315045120931204301"

    func migrate() async throws -> [AppliedMigration] {
        try await connection.inTransaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock($1::bigint)", [Self.advisoryLockKey])
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        }
        var applied: [AppliedMigration] = []
        for migration in migrations {
            if let done = try await apply(migration) { applied.append(done) }
        }
        return applied
    }

    /// Applies one migration unless it is already recorded. The history is re-read under the
    /// lock inside the migration's own transaction, so a concurrent migrator that got there
    /// first is simply skipped.
    private func apply(_ migration: Migration) async throws -> AppliedMigration? {
        let clock = ContinuousClock()
        let started = clock.now
        let didApply = try await connection.inTransaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock($1::bigint)", [Self.advisoryLockKey])
            let recorded = try await Self.recordedHistory(on: connection)
            try Self.verify(recorded, against: migrations)
            guard recorded[migration.version] == nil else { return false }
            do {
                try await connection.execute(script: migration.sql)
            } catch {
                throw MigrationError.migrationFailed(identifier: migration.identifier, reason: "\(error)")
            }
            try await connection.query(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                [String(migration.version), migration.name])
            return true
        }
        guard didApply else { return nil }
        return AppliedMigration(version: migration.version, name: migration.name, duration: clock.now - started)
    }

    /// The recorded history by version, or empty when the table does not exist yet.
    static func recordedHistory(on connection: PostgresConnection) async throws -> [Int: String] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        guard exists.scalar == "t" else { return [:] }
        let rows = try await connection.query("SELECT version, name FROM schema_migrations ORDER BY version")
        var history: [Int: String] = [:]
        for row in rows.rows {
            guard let versionText = row[0], let version = Int(versionText), let name = row[1] else { continue }
            history[version] = name
        }
        return history
    }

    static func verify(_ recorded: [Int: String], against migrations: [Migration]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        for (version, name) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let expected = known[version] else {
                throw MigrationError.unknownVersion(version: version, name: name)
            }
            guard expected == name else {
                throw MigrationError.nameMismatch(version: version, recorded: name, expected: expected)
            }
        }
    }

    /// Throws unless every migration in `migrations` is recorded.
    static func requireCurrentSchema(on connection: PostgresConnection, migrations: [Migration]) async throws {
        let recorded = try await recordedHistory(on: connection)
        try verify(recorded, against: migrations)
        let required = migrations.last?.version ?? 0
        guard migrations.allSatisfy({ recorded[$0.version] != nil }) else {
            throw MigrationError.schemaNotCurrent(appliedVersion: recorded.keys.max(), requiredVersion: required)
        }
    }
}
