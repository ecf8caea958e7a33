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

/// This host's programs, connected through the client variables (password by environment).
public struct LocalRestoreTools: RestoreTools {
    public var binaries: PostgresBinaries
    public var environment: [String: String?]
    public var dumpPath: String

    public init(binaries: PostgresBinaries, environment: [String: String?], dumpPath: String) {
        self.binaries = binaries
        self.environment = environment
        self.dumpPath = dumpPath
    }

    public var place: String { binaries.directory }

    public func command(_ program: String, _ arguments: [String]) -> Command {
        Command(binaries.directory + "/" + program, arguments, environment: environment)
    }
}

/// The database container's programs, run with `docker compose exec`, over the container's
/// unix socket; user and password reach them by variable name, never in argv.
public struct ContainerRestoreTools: RestoreTools {
    public var project: ComposeProject
    public var service: String
    public var user: String
    public var password: String
    public var dumpPath: String

    public var place: String { "the \(service) container of compose project \(project.name)" }

    public func command(_ program: String, _ arguments: [String]) -> Command {
        project.execCommand(service, [program] + arguments, secrets: ["PGUSER": user, "PGPASSWORD": password])
    }
}
