import Foundation

/// A throwaway PostgreSQL cluster the harness alone creates: initdb + pg_ctl in a private
/// 0700 folder, listening on 127.0.0.1 and a unix socket inside that folder, with a random
/// per-run password. Run as `postgres` when the harness runs as root.
public final class LocalCluster: Sendable {
    public struct Options: Sendable {
        public var runId: String
        public var scenario: String
        public var superuser: String
        public var binaries: PostgresBinaries
        /// Parent of the private folder; `$TMPDIR` or /tmp by default.
        public var parentDirectory: String

        public init(runId: String, scenario: String, superuser: String, binaries: PostgresBinaries,
                    parentDirectory: String = LocalCluster.defaultParentDirectory) {
            self.runId = runId
            self.scenario = scenario
            self.superuser = superuser
            self.binaries = binaries
            self.parentDirectory = parentDirectory
        }
    }

    public static var defaultParentDirectory: String { ThrowawayMarker.defaultParentDirectory }

    public let directory: String
    public let port: Int
    public let superuser: String
    public let binaries: PostgresBinaries
    public let runAs: SystemUser?
    private let password: String

    public var dataDirectory: String { directory + "/data" }
    public var socketDirectory: String { directory + "/sock" }
    public var logFile: String { directory + "/server.log" }

    private init(directory: String, port: Int, superuser: String, binaries: PostgresBinaries, runAs: SystemUser?, password: String) {
        self.directory = directory
        self.port = port
        self.superuser = superuser
        self.binaries = binaries
        self.runAs = runAs
        self.password = password
    }

    public struct StartError: Error, CustomStringConvertible {
        public enum Cause: Sendable { case portInUse, other }
        public var cause: Cause = .other
        public var description: String

        /// pg_ctl's failure to start the server: a port another process took since it was
        /// found free is the one cause worth another try.
        static func serverDidNotStart(_ description: String) -> StartError {
            StartError(cause: description.contains("Address already in use") ? .portInUse : .other, description: description)
        }
    }

    /// Creates the folder (marked for `gc` before anything else happens), runs initdb and
    /// starts the server. If any part fails, whatever was created is removed before throwing.
    public static func create(_ options: Options) async throws -> LocalCluster {
        try await make(options) { cluster in
            try await cluster.initialize()
            try await cluster.start()
        }
    }

    /// The private folder (marked for `gc` before anything else happens) and the cluster
    /// object; `fill` puts a data folder in it. Whatever was created is removed if it throws.
    static func make(_ options: Options, fill: (LocalCluster) async throws -> Void) async throws -> LocalCluster {
        // The free port is found by binding and releasing it; another process (a container's
        // published port, a parallel drill) can take it before the server binds. Try anew.
        for _ in 1..<3 {
            do {
                return try await makeOnce(options, fill: fill)
            } catch let error as StartError where error.cause == .portInUse {
                continue
            }
        }
        return try await makeOnce(options, fill: fill)
    }

    private static func makeOnce(_ options: Options, fill: (LocalCluster) async throws -> Void) async throws -> LocalCluster {
        let directory = options.parentDirectory + "/" + ThrowawayMarker.folderPrefix + options.runId
        guard mkdir(directory, 0o700) == 0 else {
            throw StartError(description: "could not create \(directory): \(String(cString: strerror(errno)))")
        }
        var runAs: SystemUser? = nil
        if SystemUser.isRoot {
            guard let postgresUser = SystemUser.lookup("postgres") else {
                try? FileManager.default.removeItem(atPath: directory)
                throw StartError(description: "running as root, PostgreSQL must run as another user, and there is no "
                    + "'postgres' account on this machine. Install the server package (it creates the account) or run as a normal user.")
            }
            runAs = postgresUser
        }
        let cluster = LocalCluster(directory: directory, port: try freeLoopbackPort(), superuser: options.superuser,
                                   binaries: options.binaries, runAs: runAs, password: RandomToken.hex(bytes: 24))
        do {
            try ThrowawayMarker(runId: options.runId, scenario: options.scenario).write(into: directory)
            try await fill(cluster)
        } catch {
            _ = await cluster.tearDown()
            throw error
        }
        return cluster
    }

    private func initialize() async throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let passwordFile = directory + "/pwfile"
        guard fileManager.createFile(atPath: passwordFile, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StartError(description: "could not write the password file in \(directory)")
        }
        if let runAs {
            for path in [directory, socketDirectory, passwordFile, directory + "/" + ThrowawayMarker.fileName] {
                chown(path, runAs.uid, runAs.gid)
            }
        }
        defer { try? fileManager.removeItem(atPath: passwordFile) }
        let output = try await CommandRunner.run(Command(binaries.initdb, [
            "--pgdata", dataDirectory, "--username", superuser, "--pwfile", passwordFile,
            "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-sync",
        ], environment: ["LC_ALL": "C"], runAs: runAs))
        guard output.succeeded else {
            throw StartError(description: "initdb failed (\(output.statusDescription)): \(output.errorTail())")
        }
        let settings = """

        # restore-drill: a private throwaway, reachable only from this machine.
        listen_addresses = '127.0.0.1'
        port = \(port)
        unix_socket_directories = '\(socketDirectory)'
        unix_socket_permissions = 0700
        max_wal_size = '4GB'
        maintenance_work_mem = '256MB'
        log_min_messages = warning
        """
        try Self.append(settings, to: dataDirectory + "/postgresql.conf")
    }

    /// Adds lines at the end of a configuration file, where they win over earlier ones.
    static func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// pg_ctl opens the log as the server's user, who cannot create files in our folder.
    func prepareLogFile() {
        if let runAs, !FileManager.default.fileExists(atPath: logFile) {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil, attributes: [.posixPermissions: 0o600])
            chown(logFile, runAs.uid, runAs.gid)
        }
    }

    private func start() async throws {
        prepareLogFile()
        let output = try await CommandRunner.run(Command(binaries.pgCtl, [
            "--pgdata", dataDirectory, "--log", logFile, "--wait", "--timeout", "60", "start",
        ], runAs: runAs))
        guard output.succeeded else {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8))?
                .split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            let description = "the throwaway PostgreSQL did not start (\(output.statusDescription)): \(output.errorTail()) \(log)"
            throw StartError.serverDidNotStart(description)
        }
    }

    public func connectionParameters(database: String) -> ConnectionParameters {
        ConnectionParameters(host: socketDirectory, port: port, user: superuser, password: password, database: database)
    }

    /// Variables for client programs (pg_restore, psql); the password goes by environment, never argv.
    public func clientEnvironment(database: String) -> [String: String?] {
        PostgresClientIsolation.isolated([
            "PGHOST": socketDirectory, "PGPORT": String(port), "PGUSER": superuser, "PGPASSWORD": password,
            "PGDATABASE": database, "PGSSLMODE": "disable", "PGAPPNAME": "restore-drill",
        ])
    }

    public func createDatabase(_ name: String) async throws {
        let connection = try await PostgresConnection.connect(connectionParameters(database: "postgres"))
        defer { connection.close() }
        try await connection.query("CREATE DATABASE \(name.sqlIdentifier)")
    }

    /// The postmaster's pid from `postmaster.pid`, while the server runs.
    public var serverPid: Int32? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first else { return nil }
        return Int32(first.trimmingCharacters(in: .whitespaces))
    }

    /// The secret values this cluster holds, for redaction of captured output.
    public var secrets: [String] { [password] }

    /// Stops the server (immediate shutdown: the data is about to be deleted) and removes the
    /// folder, then looks again to prove nothing is left. Idempotent; never throws.
    public func tearDown() async -> (actions: [String], leftovers: [String]) {
        await Self.remove(directory: directory)
    }

    /// Shared with `gc`: stop whatever server runs from `directory/data`, remove the folder.
    static func remove(directory: String) async -> (actions: [String], leftovers: [String]) {
        var actions: [String] = []
        var leftovers: [String] = []
        let dataDirectory = directory + "/data"
        if let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
           let pid = text.split(separator: "\n").first.flatMap({ Int32($0.trimmingCharacters(in: .whitespaces)) }),
           processIsAlive(pid), isPostmaster(pid) {
            kill(pid, SIGQUIT)
            var stopped = await waitForExit(pid: pid, seconds: 15)
            if !stopped {
                kill(pid, SIGKILL)
                stopped = await waitForExit(pid: pid, seconds: 5)
            }
            if stopped {
                actions.append("stopped PostgreSQL server (pid \(pid)) by immediate shutdown")
            } else {
                leftovers.append("PostgreSQL server pid \(pid) still running")
            }
        }
        for pid in serverProcesses(using: dataDirectory) {
            kill(pid, SIGKILL)
            if await waitForExit(pid: pid, seconds: 5) {
                actions.append("killed leftover server process \(pid)")
            } else {
                leftovers.append("server process \(pid) still running")
            }
        }
        if FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.removeItem(atPath: directory)
                actions.append("removed \(directory)")
            } catch {
                leftovers.append("folder \(directory) could not be removed: \(error.localizedDescription)")
            }
        }
        // Look again, after the fact: the evidence is what is still there, not what was attempted.
        let survivors = serverProcesses(using: dataDirectory)
        if !survivors.isEmpty {
            leftovers.append("PostgreSQL processes \(survivors.map(String.init).joined(separator: ", ")) still serve \(dataDirectory)")
        }
        if FileManager.default.fileExists(atPath: directory) && !leftovers.contains(where: { $0.contains(directory) }) {
            leftovers.append("folder \(directory) still exists")
        }
        if leftovers.isEmpty, !actions.isEmpty {
            actions.append("verified: no server process serves \(dataDirectory) and the folder is gone")
        }
        return (actions, leftovers)
    }

    private static func waitForExit(pid: Int32, seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while processIsAlive(pid) {
            if ContinuousClock.now > deadline { return false }
            // Not Task.sleep: teardown must finish even when the drill's task was cancelled.
            await uncancellableSleep(milliseconds: 20)
        }
        return true
    }

    private static func isPostmaster(_ pid: Int32) -> Bool {
        commandLine(of: pid).map { $0.contains("postgres") } ?? false
    }

    /// Processes whose command line names this data folder (a postmaster and its children).
    static func serverProcesses(using dataDirectory: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard pid != getpid(), let line = commandLine(of: pid) else { return false }
            return line.contains(dataDirectory) && line.contains("postgres")
        }
    }

    static func commandLine(of pid: Int32) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}

/// A TCP port on 127.0.0.1 that is free right now (bind to port 0, read it back, close).
func freeLoopbackPort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketFD >= 0 else { throw LocalCluster.StartError(description: "could not open a socket to find a free port") }
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
    }
    guard bound == 0 else { throw LocalCluster.StartError(description: "could not bind 127.0.0.1:0 to find a free port") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
