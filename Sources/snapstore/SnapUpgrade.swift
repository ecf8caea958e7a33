import DrillKit
import Foundation

/// The snapshot upgrade, as StoreIT's container does it at start-up: export everything, keep
/// the old file as `<db>.pre-upgrade`, import into a fresh database of the new schema, and
/// put the old file back when the import fails.
enum SnapUpgrade {
    enum Outcome { case current, upgraded(from: Int) }

    static func run(_ file: String, release: SnapRelease, fault: SnapFault?) async throws -> Outcome {
        guard FileManager.default.fileExists(atPath: file) else { throw SnapError("no database at \(file)") }
        let connection = try await SQLiteConnection.open(file, mode: .readWrite)
        let schema = try await SnapSchema.version(of: connection)
        guard schema != release.schemaVersion else {
            connection.close()
            say("schema version \(schema) is current for \(release.version): nothing to upgrade")
            return .current
        }
        guard schema < release.schemaVersion else {
            connection.close()
            throw SnapError("database has schema \(schema), newer than \(release.version) expects (\(release.schemaVersion)): downgrade by importing an archive")
        }
        say("schema version mismatch: database has \(schema), binary expects \(release.schemaVersion) — auto-upgrading")
        // Everything the -wal holds goes into the file first: the .pre-upgrade copy is then the whole database.
        _ = try await connection.query("PRAGMA wal_checkpoint(TRUNCATE)")
        let archive = try await SnapArchive.export(connection, release: release)
        connection.close()
        let temporary = file + ".upgrade-export.json"
        try archive.write(temporary)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        say("exported data to temporary archive")
        let preUpgrade = file + ".pre-upgrade"
        removeDatabase(preUpgrade)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        guard rename(file, preUpgrade) == 0 else { throw SnapError("could not back up the database to \(preUpgrade)") }
        say("backing up database to \(preUpgrade)")
        do {
            try await SnapArchive.read(temporary).importFresh(into: file, release: release, fault: fault)
        } catch {
            restore(preUpgrade, to: file)
            say("import failed: \(error) — the old database is restored")
            throw error
        }
        say("import completed successfully")
        return .upgraded(from: schema)
    }

    /// The way back: the new database gone, the pre-upgrade file where the store looks.
    static func restore(_ preUpgrade: String, to file: String) {
        removeDatabase(file)
        _ = rename(preUpgrade, file)
    }
}
