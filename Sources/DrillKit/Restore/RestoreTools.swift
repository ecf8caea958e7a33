import Foundation

/// Where pg_restore and psql run: this host's PostgreSQL programs against a local throwaway,
/// or the database container's own (the server's version, whatever the host has installed).
public protocol RestoreTools: Sendable {
    /// For the report: a folder, or the container.
    var place: String { get }
    /// How the restore's programs see the dump.
    var dumpPath: String { get }
    /// `program` (`pg_restore`, `psql`) with `arguments`, connected to the throwaway database.
    func command(_ program: String, _ arguments: [String]) -> Command
}

extension RestoreTools {
    /// `pg_restore --version`'s `major.minor`.
    func pgRestoreVersion() async -> String? {
        guard let output = try? await CommandRunner.run(command("pg_restore", ["--version"])), output.succeeded else { return nil }
        return PostgresBinaries.versionNumber(in: output.standardOutput)
    }
}
