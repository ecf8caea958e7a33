import Foundation

/// A SQLite store's file around a snapshot upgrade: the bytes the new version starts from,
/// and the `.pre-upgrade` copy StoreIT keeps of them.
enum PreUpgradeFile {
    static let suffix = ".pre-upgrade"

    /// Folds the file's `-wal` into it (the current version is stopped, so nothing writes) and
    /// returns its SHA-256: what an upgrade that keeps the file aside must give back.
    static func settle(_ file: String) async throws -> String {
        do {
            let connection = try await SQLiteConnection.open(file, mode: .readWrite)
            _ = try await connection.query("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            for side in ["-wal", "-shm"] where BackupFacts.size(of: file + side) == 0 {
                try? FileManager.default.removeItem(atPath: file + side)
            }
            return try FileDigest.sha256(path: file).0
        } catch {
            throw StepFailure(.error, "could not settle the store's file before the upgrade: \(error)")
        }
    }

    static func hash(_ path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? FileDigest.sha256(path: path).0
    }
}
