import DrillKit

/// RefStore: a small stand-in for the SovEcom e-commerce database, for seeding throwaway
/// "production" databases that drills then back up and restore.
public enum RefStore {
    /// Applies every compiled-in migration the database has not recorded, each in its own
    /// transaction, and returns those it applied (empty when the schema was already current).
    public static func migrate(on connection: PostgresConnection) async throws -> [AppliedMigration] {
        try await Migrator(connection: connection, migrations: Migration.all).migrate()
    }

    /// The highest recorded migration version, or nil for a database RefStore never migrated.
    public static func schemaVersion(on connection: PostgresConnection) async throws -> Int? {
        try await Migrator.recordedHistory(on: connection).keys.max()
    }
}
