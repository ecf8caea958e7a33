import Foundation

/// A throwaway `docker compose` project: the user's compose file plus an override the harness
/// writes for this run (labels on every container, volume and network; the dump mounted
/// read-only; key variables), and a private 0700 folder on this host holding that override
/// and the key copy, marked for `gc`. The database runs in its container; the restore runs
/// there with the container's own pg_restore.
public final class ComposeTarget: Sendable {
    /// Every container, volume and network of a drill carries these.
    public static let runLabel = "restore-drill.run-id"
    public static let harnessLabel = "restore-drill.harness"
    public static let databasePort = 5432
    /// Where the dump appears inside the database container.
    static let backupFolder = "/restore-drill/backup"

    public struct Options: Sendable {
        public var runId: String
        public var scenario: String
        public var composeFile: String
        public var databaseService: String
        public var database: DatabaseSpec
        /// Services the drill starts after the restore.
        public var appServices: [String]
        /// Variables an env-installed key goes in, per service (`MASTER_KEY`).
        public var keyVariable: (name: String, services: [String])?
        public var dumpDelivery: DumpDelivery
        /// The image the database service runs instead of the compose file's, when set.
        public var databaseImage: String?
        public var parentDirectory: String

        public init(runId: String, scenario: String, composeFile: String, databaseService: String, database: DatabaseSpec,
                    appServices: [String] = [], keyVariable: (name: String, services: [String])? = nil,
                    dumpDelivery: DumpDelivery = .auto, databaseImage: String? = nil,
                    parentDirectory: String = ThrowawayMarker.defaultParentDirectory) {
            self.runId = runId
            self.scenario = scenario
            self.composeFile = composeFile
            self.databaseService = databaseService
            self.database = database
            self.appServices = appServices
            self.keyVariable = keyVariable
            self.dumpDelivery = dumpDelivery
            self.databaseImage = databaseImage
            self.parentDirectory = parentDirectory
        }
    }

    public let options: Options
    public let directory: String
    public let endpoint: String
    /// The engine's version, as `docker info` gave it when the target was prepared.
    public let engineVersion: String
    public let project: ComposeProject
    /// Whether the dump is bind-mounted (else copied in).
    public let mountsDump: Bool
    let password: String
    /// The database's published loopback address, once it is up.
    private let published = Mutex<(host: String, port: Int)?>(nil)
    /// Tunnels to an `ssh://` engine's loopback ports, closed at teardown.
    private let forwards = Mutex<[SSHPortForward]>([])

    public var databaseService: String { options.databaseService }
    public var overrideFile: String { directory + "/compose.override.json" }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private init(options: Options, directory: String, endpoint: String, engineVersion: String, project: ComposeProject,
                 mountsDump: Bool, password: String) {
        self.options = options
        self.directory = directory
        self.endpoint = endpoint
        self.engineVersion = engineVersion
        self.project = project
        self.mountsDump = mountsDump
        self.password = password
    }

    /// Checks the engine, reads the compose file, and writes the override; starts nothing.
    /// `dump` is bind-mounted read-only when the engine runs on this machine (or the scenario
    /// says `dump_delivery: mount`); otherwise `stage(dump:)` copies it in. Whatever was made is removed if this throws.
    public static func prepare(_ options: Options, dump: String?) async throws -> ComposeTarget {
        let engineVersion = try await ComposeProject.checkEngine()
        let endpoint = await ComposeProject.endpoint()
        if let image = options.databaseImage { try await ensureImage(image, endpoint: endpoint) }
        guard ComposeProject.isLocal(endpoint: endpoint) || SSHPortForward.destination(of: endpoint) != nil else {
            throw Failure(description: "the engine at \(endpoint) publishes the drill's ports on its own loopback, which this host "
                          + "cannot reach: name it as ssh://user@host (the harness then forwards those ports over SSH), "
                          + "or run restore-drill on that host")
        }
        let directory = options.parentDirectory + "/" + ThrowawayMarker.folderPrefix + options.runId
        guard mkdir(directory, 0o700) == 0 else {
            throw Failure(description: "could not create \(directory): \(String(cString: strerror(errno)))")
        }
        let password = RandomToken.hex(bytes: 24)
        let base = ComposeProject(scenario: options.scenario, runId: options.runId, file: options.composeFile, variables: [
            "DRILL_DB_PASSWORD": password, "DRILL_DB_USER": options.database.user, "DRILL_DB_NAME": options.database.name,
        ])
        do {
            try ThrowawayMarker(runId: options.runId, scenario: options.scenario).write(into: directory)
            let declared = try await base.declared()
            let missing = ([options.databaseService] + options.appServices + (options.keyVariable?.services ?? []))
                .filter { !declared.services.contains($0) }
            guard missing.isEmpty else {
                throw Failure(description: "\(options.composeFile) declares no service named \(Set(missing).sorted().joined(separator: ", ")) "
                              + "(it has \(declared.services.joined(separator: ", "))): fix environment.compose, app.start.services "
                              + "or master_key.install in the scenario")
            }
            let mounts = switch options.dumpDelivery {
            case .auto: ComposeProject.isLocal(endpoint: endpoint)
            case .mount: true
            case .copy: false
            }
            let mount = mounts ? dump : nil
            let override = overrideDocument(options: options, declared: declared, project: base.name, dumpMount: mount)
            let target = ComposeTarget(options: options, directory: directory, endpoint: endpoint, engineVersion: engineVersion,
                                       project: base.adding(file: directory + "/compose.override.json"), mountsDump: mount != nil,
                                       password: password)
            try JSONSerialization.data(withJSONObject: override, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                .write(to: URL(fileURLWithPath: target.overrideFile))
            return target
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// The database image is there, or can be pulled; otherwise the drill says which one it needs.
    static func ensureImage(_ image: String, endpoint: String) async throws {
        if let present = try? await CommandRunner.run(Command("docker", ["image", "inspect", "--format", "{{.Id}}", image])), present.succeeded {
            return
        }
        let pulled = try? await CommandRunner.run(Command("docker", ["pull", "--quiet", image]))
        guard pulled?.succeeded != true else { return }
        throw Failure(description: "the database service needs the image \(image), which the engine at \(endpoint) does not have and could not pull"
                      + (pulled.map { " (\($0.errorTail(lines: 1)))" } ?? "")
                      + ": build it with scripts/build-images.sh (restore-drill/postgres:15 and :17), or pull it where a registry is reachable")
    }

    /// Labels on everything the project creates, the dump's read-only mount, and the key's
    /// variable (by name: compose takes its value from its own environment). No secret in it.
    static func overrideDocument(options: Options, declared: ComposeProject.Declared, project: String,
                                 dumpMount: String?) -> [String: Any] {
        let labels = [runLabel: options.runId, harnessLabel: "\(ProcessInfo.processInfo.hostName):\(getpid())",
                      "restore-drill.scenario": options.scenario]
        var services: [String: Any] = [:]
        for service in declared.services {
            var entry: [String: Any] = ["labels": labels]
            if service == options.databaseService, let image = options.databaseImage {
                entry["image"] = image
            }
            if service == options.databaseService, let dumpMount {
                entry["volumes"] = [["type": "bind", "source": dumpMount, "target": backupFolder + "/" + (dumpMount as NSString).lastPathComponent,
                                     "read_only": true]]
            }
            if let key = options.keyVariable, key.services.contains(service) {
                entry["environment"] = [key.name]
            }
            services[service] = entry
        }
        var document: [String: Any] = ["services": services]
        if !declared.volumes.isEmpty { document["volumes"] = Dictionary(uniqueKeysWithValues: declared.volumes.map { ($0, ["labels": labels]) }) }
        document["networks"] = Dictionary(uniqueKeysWithValues: (declared.networks.isEmpty ? ["default"] : declared.networks).map { ($0, ["labels": labels]) })
        return document
    }

    // MARK: The database

    /// `up --wait` of the database service, then its published loopback port.
    public func startDatabase(timeoutSeconds: Int) async throws -> String {
        do {
            try await project.up([databaseService], timeoutSeconds: timeoutSeconds)
        } catch {
            let states = (try? await project.states().filter { $0.service == databaseService }) ?? []
            guard let state = states.first else {
                throw Failure(description: "the \(databaseService) container could not be started: \(error)")
            }
            let logs = ((try? await project.logs([databaseService], tail: 8)) ?? "").split(separator: "\n").suffix(8)
            throw Failure(description: "the \(databaseService) container did not become healthy within \(timeoutSeconds)s ("
                          + state.state + (state.health.isEmpty ? "" : ", \(state.health)")
                          + (state.state == "exited" ? ", exit code \(state.exitCode)" : "") + "): \(error)"
                          + (logs.isEmpty ? "" : ". Its last lines:\n" + logs.map { "| " + $0 }.joined(separator: "\n")))
        }
        return try await publishDatabase()
    }

    /// Where the harness reaches the database from now on (`docker compose port`, or a tunnel).
    func publishDatabase() async throws -> String {
        let address = try await reach(databaseService, port: Self.databasePort)
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw Failure(description: "docker compose port answered \(address)") }
        published.withLock { $0 = (String(parts[0]), port) }
        return address
    }

    /// `host:port` on this host for a container port published on the engine's loopback: the
    /// published address itself, or the local end of an SSH tunnel to an `ssh://` engine.
    public func reach(_ service: String, port: Int) async throws -> String {
        let address = try await project.address(of: service, port: port)
        guard !ComposeProject.isLocal(endpoint: endpoint) else { return address }
        guard let remotePort = address.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw Failure(description: "docker compose port answered \(address)")
        }
        let forward = try await SSHPortForward.open(endpoint: endpoint, remotePort: remotePort)
        forwards.withLock { $0.append(forward) }
        return "127.0.0.1:\(forward.localPort)"
    }

    /// Whether ports are reached through SSH tunnels (for the report).
    public var tunnels: Bool { !ComposeProject.isLocal(endpoint: endpoint) }

    /// The harness's own connection to the restored database (the published loopback port).
    public func connectionParameters(database: String) -> ConnectionParameters? {
        published.withLock { $0 }.map {
            ConnectionParameters(host: $0.host, port: $0.port, user: options.database.user, password: password, database: database)
        }
    }

    /// The password the compose file gives the database; for the secrets store only.
    public var secrets: [String] { [password] }

    /// Makes `dump` readable inside the database container: already there when bind-mounted,
    /// else copied in with `docker compose cp` (and made readable by the server's user).
    public func stage(dump: String) async throws -> (tools: ContainerRestoreTools, delivery: String) {
        let name = (dump as NSString).lastPathComponent
        let inside = Self.backupFolder + "/" + name
        var delivery = "bind-mounted read-only at \(inside)"
        if !mountsDump {
            let prepare = try await project.exec(databaseService, ["mkdir", "-p", Self.backupFolder], user: "root")
            guard prepare.succeeded else { throw Failure(description: "could not make \(Self.backupFolder) in \(databaseService): \(prepare.errorTail())") }
            try await project.copy(dump, to: databaseService, path: inside)
            _ = try await project.exec(databaseService, ["chmod", "-R", "a+rX", Self.backupFolder], user: "root")
            delivery = "copied to \(inside) with docker compose cp ("
                + (options.dumpDelivery == .copy ? "dump_delivery: copy" : "the engine at \(endpoint) is not on this machine") + ")"
        }
        let tools = ContainerRestoreTools(project: project, service: databaseService, user: options.database.user,
                                          password: password, dumpPath: inside)
        return (tools, delivery)
    }

    // MARK: Teardown

    /// `down -v --remove-orphans`, the check that nothing labelled with this run remains, and
    /// the private folder (with the key copy) removed.
    public func tearDown() async -> (actions: [String], leftovers: [String]) {
        let tunnels = forwards.withLock { all in defer { all = [] }; return all }
        for tunnel in tunnels { await tunnel.close() }
        var (actions, leftovers) = await project.tearDown(alsoLabelled: [Self.runLabel + "=" + options.runId])
        if !tunnels.isEmpty { actions.insert("closed \(tunnels.count) SSH tunnel(s) to \(endpoint)", at: 0) }
        do {
            try FileManager.default.removeItem(atPath: directory)
            actions.append("removed \(directory)")
        } catch {
            leftovers.append("could not remove \(directory): \(error.localizedDescription)")
        }
        return (actions, leftovers)
    }
}
