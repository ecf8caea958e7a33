import DrillKit
import Foundation

/// A throwaway PostgreSQL server for integration tests: a fresh cluster in a private temp
/// directory, reachable only through a unix socket there.
///
/// Temporary: it will be re-implemented on top of DrillKit's LocalCluster, so keep it small
/// and keep this API (`start`, `connect`, `createDatabase`, `parameters`, `stop`).
struct TestPostgres: Sendable {
    /// Debian's layout; `DRILL_PG_BINDIR` points elsewhere.
    private static let binaries = ProcessInfo.processInfo.environment["DRILL_PG_BINDIR"] ?? "/usr/lib/postgresql/15/bin"
    private static let defaultDatabase = "refstore_test"

    let directory: String
    let parameters: ConnectionParameters
    private let serverUser: SystemUser?

    private var dataDirectory: String { directory + "/data" }

    /// initdb refuses to run as root, so under root the server runs as `postgres`.
    static func start() async throws -> TestPostgres {
        let serverUser = SystemUser.isRoot ? SystemUser.lookup("postgres") : nil
        if SystemUser.isRoot, serverUser == nil {
            throw TestPostgresError("running as root, but there is no `postgres` user to run the server as")
        }
        // Short and private: the socket path must stay under ~100 bytes, and the data
        // directory must be 0700 and owned by the server user.
        var template = Array("/tmp/rspg.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestPostgresError("mkdtemp failed: errno \(errno)") }
        let directory = String(cString: created)
        if let serverUser { chown(directory, serverUser.uid, serverUser.gid) }

        var parameters = ConnectionParameters(host: directory, port: 5432, user: "postgres", database: defaultDatabase)
        parameters.applicationName = "refstore-tests"
        let postgres = TestPostgres(directory: directory, parameters: parameters, serverUser: serverUser)
        do {
            try await postgres.run("initdb", ["-D", postgres.dataDirectory, "-U", "postgres", "--auth=trust",
                                              "-E", "UTF8", "--locale=C", "--no-sync"])
            // Durability is pointless for a cluster that lives for one test.
            let settings = """

                listen_addresses = ''
                unix_socket_directories = '\(directory)'
                port = 5432
                fsync = off
                synchronous_commit = off
                full_page_writes = off

                """
            let configuration = try FileHandle(forWritingTo: URL(fileURLWithPath: postgres.dataDirectory + "/postgresql.conf"))
            try configuration.seekToEnd()
            try configuration.write(contentsOf: Data(settings.utf8))
            try configuration.close()
            try await postgres.run("pg_ctl", ["-D", postgres.dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60", "start"])
            try await postgres.createDatabase(defaultDatabase)
        } catch {
            await postgres.stop()
            throw error
        }
        return postgres
    }

    func connect(database: String? = nil) async throws -> PostgresConnection {
        var target = parameters
        if let database { target.database = database }
        return try await PostgresConnection.connect(target)
    }

    func createDatabase(_ name: String) async throws {
        let connection = try await connect(database: "postgres")
        defer { connection.close() }
        try await connection.query("CREATE DATABASE \(name.sqlIdentifier)")
    }

    /// Stops the server without a checkpoint and deletes everything; never throws, so it can
    /// run on every path out of a test.
    func stop() async {
        if FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
            _ = try? await run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func run(_ tool: String, _ arguments: [String]) async throws {
        let output = try await CommandRunner.run(command(Self.binaries + "/" + tool, arguments))
        guard output.succeeded else {
            throw TestPostgresError("\(tool) failed (\(output.statusDescription)): \(output.errorTail())")
        }
    }

    /// Runs as `serverUser` through setpriv rather than CommandRunner's `runAs`: swift-subprocess
    /// 1.0.2 applies `runAs` with glibc's setgroups/setgid/setuid in a child it made with a raw
    /// clone3, where those wrappers can wait forever for the parent's other threads (seen here:
    /// a test run hung in `__nptl_setxid`). setpriv switches user in a fresh single-threaded process.
    private func command(_ executable: String, _ arguments: [String]) -> Command {
        guard let serverUser else { return Command(executable, arguments, workingDirectory: directory) }
        let switchUser = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: switchUser) else {
            return Command(executable, arguments, workingDirectory: directory, runAs: serverUser)
        }
        return Command(switchUser, ["--reuid=\(serverUser.uid)", "--regid=\(serverUser.gid)", "--init-groups", "--", executable]
                                   + arguments, workingDirectory: directory)
    }
}

struct TestPostgresError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
