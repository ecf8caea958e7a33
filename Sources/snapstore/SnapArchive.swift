import DrillKit
import Foundation

/// The store's own export format: every table's rows as SQLite literals (`quote()`, so
/// integers, reals, texts and blobs come back exactly as they were), the AUTOINCREMENT
/// counters, and the schema version the rows are in.
struct SnapArchive: Codable {
    static let formatName = "snapstore-export"

    struct Table: Codable {
        var name: String
        var columns: [String]
        var rows: [[String]]
    }

    var format = SnapArchive.formatName
    var schema: Int
    var exportedBy: String
    var tables: [Table]
    var sequences: [String: Int64]

    enum CodingKeys: String, CodingKey {
        case format, schema, tables, sequences
        case exportedBy = "exported_by"
    }

    static func export(_ connection: SQLiteConnection, release: SnapRelease) async throws -> SnapArchive {
        // One read transaction: the archive is one moment of the store.
        try await connection.query("BEGIN")
        let schema = try await SnapSchema.version(of: connection)
        let names = try await connection.query("""
            SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name
            """).rows.compactMap { $0.first ?? nil }
        var tables: [Table] = []
        for name in names {
            let columns = try await connection.query("SELECT name FROM pragma_table_info($1) ORDER BY cid", [name]).rows.compactMap { $0.first ?? nil }
            let selected = columns.map { "quote(\($0.sqlIdentifier))" }.joined(separator: ", ")
            let rows = try await connection.query("SELECT \(selected) FROM \(name.sqlIdentifier) ORDER BY rowid").rows.map { $0.map { $0 ?? "NULL" } }
            tables.append(Table(name: name, columns: columns, rows: rows))
        }
        var sequences: [String: Int64] = [:]
        if try await connection.query("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'").scalar == "1" {
            for row in try await connection.query("SELECT name, seq FROM sqlite_sequence").rows {
                if let name = row[0], let seq = row[1].flatMap({ Int64($0) }) { sequences[name] = seq }
            }
        }
        _ = try await connection.query("COMMIT")
        return SnapArchive(schema: schema, exportedBy: release.version, tables: tables, sequences: sequences)
    }

    static func read(_ path: String) throws -> SnapArchive {
        let archive = try JSONDecoder().decode(SnapArchive.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        guard archive.format == formatName else { throw SnapError("\(path) is not a snapstore export (format \(archive.format))") }
        return archive
    }

    func write(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// A fresh database at `path`, created by `release` at the archive's schema, filled with its
    /// rows, then transformed to the release's schema. Built beside `path` and renamed over it,
    /// so a failed import leaves nothing half-made where the store looks.
    func importFresh(into path: String, release: SnapRelease, fault: SnapFault?) async throws {
        guard schema <= release.schemaVersion else {
            throw SnapError("the archive is at schema \(schema), newer than release \(release.version) (schema \(release.schemaVersion))")
        }
        let building = path + ".importing"
        removeDatabase(building)
        do {
            let connection = try await SQLiteConnection.open(building, mode: .create)
            defer { connection.close() }
            try await SnapSchema.create(connection, version: schema)
            try await connection.execute(script: "PRAGMA foreign_keys = OFF; BEGIN;")
            let ordered = SnapSchema.tables.compactMap { name in tables.first { $0.name == name } }
                + tables.filter { !SnapSchema.tables.contains($0.name) }
            for (index, table) in ordered.enumerated() {
                if fault == .import, index == ordered.count / 2 {
                    throw SnapError("constraint failed while importing \(table.name) (the fault this run plays)")
                }
                let columns = table.columns.map(\.sqlIdentifier).joined(separator: ", ")
                for chunk in stride(from: 0, to: table.rows.count, by: 200) {
                    let values = table.rows[chunk..<min(chunk + 200, table.rows.count)].map { "(" + $0.joined(separator: ", ") + ")" }
                    try await connection.execute(script: "INSERT INTO \(table.name.sqlIdentifier) (\(columns)) VALUES \(values.joined(separator: ", "));")
                }
            }
            for (name, seq) in sequences.sorted(by: { $0.key < $1.key }) {
                try await connection.query("UPDATE sqlite_sequence SET seq = $1 WHERE name = $2", [String(seq), name])
                try await connection.query("INSERT INTO sqlite_sequence (name, seq) SELECT $2, $1 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = $2)",
                                           [String(seq), name])
            }
            try await connection.execute(script: "COMMIT; PRAGMA foreign_keys = ON;")
            let orphans = try await connection.query("SELECT count(*) FROM pragma_foreign_key_check").scalar ?? "0"
            guard orphans == "0" else { throw SnapError("the archive's rows break \(orphans) foreign keys") }
            try await SnapSchema.migrate(connection, from: schema, to: release.schemaVersion)
            _ = try await connection.query("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            removeDatabase(building)
            throw error
        }
        removeDatabase(path)
        guard rename(building, path) == 0 else { throw SnapError("could not move the new database to \(path)") }
    }
}

/// A SQLite database and the files SQLite keeps beside it.
func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
