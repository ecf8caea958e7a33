import DrillKit

/// The keys, unique constraints, foreign keys and indexes of some tables, dropped for a bulk
/// load and rebuilt afterwards from their own catalog definitions.
///
/// Maintaining six indexes and checking four foreign keys row by row roughly doubles a
/// million-order seed; building each index once from sorted data and validating each
/// foreign key with one join is far cheaper. Both ends run in the caller's transaction, so
/// a failure rolls the drops back and no reader ever sees the tables without their keys.
/// Re-adding the constraints re-validates all loaded data, so nothing goes unchecked.
struct SuspendedIndexes {
    private struct Definition {
        let table: String
        let name: String
        let sql: String
    }

    private let keys: [Definition]
    private let indexes: [Definition]
    private let foreignKeys: [Definition]

    /// Drops them; the tables should be empty, which also makes the drop instant.
    static func suspend(on connection: PostgresConnection, tables: [String]) async throws -> SuspendedIndexes {
        let tableArray = "{" + tables.joined(separator: ",") + "}"
        let constraints = try await connection.query("""
            SELECT c.conrelid::regclass::text, quote_ident(c.conname), c.contype::text, pg_get_constraintdef(c.oid)
            FROM pg_constraint AS c
            WHERE c.contype IN ('p', 'u', 'x', 'f')
              AND (c.conrelid = ANY ($1::regclass[]) OR c.confrelid = ANY ($1::regclass[]))
            ORDER BY c.conrelid::regclass::text, c.conname
            """, [tableArray])
        let plainIndexes = try await connection.query("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index AS i
            WHERE i.indrelid = ANY ($1::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c
                              WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
            ORDER BY 1
            """, [tableArray])

        var keys: [Definition] = []
        var foreignKeys: [Definition] = []
        for row in constraints.rows {
            guard let table = row[0], let name = row[1], let kind = row[2], let sql = row[3] else { continue }
            let definition = Definition(table: table, name: name, sql: sql)
            if kind == "f" { foreignKeys.append(definition) } else { keys.append(definition) }
        }
        let indexes = plainIndexes.rows.compactMap { row -> Definition? in
            guard let name = row[0], let sql = row[1] else { return nil }
            return Definition(table: "", name: name, sql: sql)
        }

        // Foreign keys first: they depend on the referenced table's key.
        for foreignKey in foreignKeys {
            try await connection.query("ALTER TABLE \(foreignKey.table) DROP CONSTRAINT \(foreignKey.name)")
        }
        for key in keys {
            try await connection.query("ALTER TABLE \(key.table) DROP CONSTRAINT \(key.name)")
        }
        for index in indexes {
            try await connection.query("DROP INDEX \(index.name)")
        }
        return SuspendedIndexes(keys: keys, indexes: indexes, foreignKeys: foreignKeys)
    }

    /// Rebuilds everything `suspend` dropped, keys before the foreign keys that need them.
    func restore(on connection: PostgresConnection) async throws {
        for key in keys {
            try await connection.query("ALTER TABLE \(key.table) ADD CONSTRAINT \(key.name) \(key.sql)")
        }
        for index in indexes {
            try await connection.query(index.sql)
        }
        for foreignKey in foreignKeys {
            try await connection.query("ALTER TABLE \(foreignKey.table) ADD CONSTRAINT \(foreignKey.name) \(foreignKey.sql)")
        }
    }
}
