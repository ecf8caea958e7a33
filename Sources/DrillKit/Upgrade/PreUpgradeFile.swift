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
            // (busy, log frames, checkpointed frames): anything short of all of them leaves the file incomplete.
            let result = try await connection.query("PRAGMA wal_checkpoint(TRUNCATE)").rows.first ?? []
            connection.close()
            if result.count == 3, result[0] != "0" || result[1] != result[2] {
                throw StepFailure(.error, "the store's -wal could not be folded into its file (checkpoint busy \(result[0] ?? "?"), "
                                  + "\(result[2] ?? "?") of \(result[1] ?? "?") frames): something still has it open")
            }
            for side in ["-wal", "-shm"] where BackupFacts.size(of: file + side) == 0 {
                try? FileManager.default.removeItem(atPath: file + side)
            }
            return try FileDigest.sha256(path: file).0
        } catch let failure as StepFailure {
            throw failure
        } catch {
            throw StepFailure(.error, "could not settle the store's file before the upgrade: \(error)")
        }
    }

    static func hash(_ path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? FileDigest.sha256(path: path).0
    }

    /// The `-wal` or `-journal` beside `file` that SQLite would apply to it as it opens, if any.
    static func pendingSidecar(of file: String) -> String? {
        ["-wal", "-journal"].map { file + $0 }.first { BackupFacts.size(of: $0) > 0 }
    }
}
