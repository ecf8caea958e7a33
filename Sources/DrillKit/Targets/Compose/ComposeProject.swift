import Foundation

/// A `docker compose` project the drill alone created: named `drill-<scenario>-<run id>`, so
/// every container, volume and network it owns carries that project label, and nothing
/// outside it is ever touched. Talks to whatever engine `DOCKER_HOST` or the current docker
/// context names.
public struct ComposeProject: Sendable {
    public static let namePrefix = "drill-"

    public let name: String
    /// The user's compose file, then the harness's override (labels, the dump mount, key
    /// variables), in that order.
    public let files: [String]
    /// Variables the compose files read (`DRILL_DB_PASSWORD`, an env-installed key, …), passed
    /// through the environment of each `docker compose` call, never argv.
    let variables: [String: String]

    public init(scenario: String, runId: String, file: String, variables: [String: String]) {
        self.init(name: Self.projectName(scenario: scenario, runId: runId), files: [file], variables: variables)
    }

    public init(name: String, files: [String], variables: [String: String]) {
        self.name = name
        self.files = files
        self.variables = variables
    }

    /// The same project with more compose files or variables.
    func adding(file: String? = nil, variables more: [String: String] = [:]) -> ComposeProject {
        ComposeProject(name: name, files: files + (file.map { [$0] } ?? []), variables: variables.merging(more) { $1 })
    }

    /// Compose project names allow lower-case letters, digits, `-` and `_`.
    public static func projectName(scenario: String, runId: String) -> String {
        let raw = namePrefix + scenario + "-" + runId
        return String(raw.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    // MARK: The engine

    /// A clear error when there is no engine, or only Compose v1.
    /// Returns the engine's version (`20.10.24`).
    @discardableResult
    public static func checkEngine(environment: [String: String?] = [:]) async throws -> String {
        let version: CommandOutput
        do {
            version = try await CommandRunner.run(Command("docker", ["compose", "version", "--short"], environment: environment))
        } catch {
            throw Failure(description: "the docker client is not installed: install docker.io (or run scripts/docker-engine.sh start)")
        }
        guard version.succeeded, version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("2.") else {
            throw Failure(description: "Compose v2 is needed (`docker compose`, not docker-compose v1): "
                          + (version.succeeded ? "found \(version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))"
                                               : version.errorTail())
                          + "; scripts/docker-engine.sh start installs it")
        }
        let info = try await CommandRunner.run(Command("docker", ["info", "--format", "{{.ServerVersion}}"], environment: environment))
        guard info.succeeded else {
            let host = environment["DOCKER_HOST"] ?? ProcessInfo.processInfo.environment["DOCKER_HOST"]
            throw Failure(description: "no Docker engine answers at \(host.flatMap { $0 } ?? "the current docker context"): "
                          + info.errorTail() + " (start one, or set DOCKER_HOST)")
        }
        return info.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Where the engine is: `DOCKER_HOST`, else the current docker context's endpoint.
    public static func endpoint() async -> String {
        if let host = ProcessInfo.processInfo.environment["DOCKER_HOST"], !host.isEmpty { return host }
        let context = try? await CommandRunner.run(Command("docker", ["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"]))
        let host = context?.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return context?.succeeded == true && !host.isEmpty ? host : "unix:///var/run/docker.sock"
    }

    /// An engine on this machine sees this machine's files, so a bind mount works; a remote
    /// one (tcp://, ssh://) does not.
    public static func isLocal(endpoint: String) -> Bool {
        if endpoint.hasPrefix("unix://") || endpoint.hasPrefix("npipe://") { return true }
        guard endpoint.hasPrefix("tcp://"), let host = URL(string: endpoint)?.host else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }

    // MARK: Compose calls

    /// `docker compose -f … -p NAME` followed by `arguments`, with the variables in its environment.
    func command(_ arguments: [String], environment extra: [String: String] = [:]) -> Command {
        let environment = variables.merging(extra) { $1 }.mapValues { Optional($0) }
        return Command("docker", ["compose"] + files.flatMap { ["-f", $0] } + ["-p", name] + arguments, environment: environment)
    }

    @discardableResult
    func compose(_ arguments: [String], check: Bool = true) async throws -> CommandOutput {
        let output = try await CommandRunner.run(command(arguments))
        if check, !output.succeeded {
            throw Failure(description: "docker compose \(arguments.first ?? "") failed (\(output.statusDescription)): \(output.errorTail())")
        }
        return output
    }

    /// Starts `services` and waits until their healthchecks pass.
    public func up(_ services: [String], timeoutSeconds: Int = 120) async throws {
        let started = ContinuousClock.now
        try await compose(["up", "--detach", "--wait", "--wait-timeout", String(timeoutSeconds)] + services)
        let left = timeoutSeconds - Int((ContinuousClock.now - started).components.seconds)
        try await waitUntilHealthy(services, timeoutSeconds: max(left, 1))
    }

    /// Creates `services` without starting them, so files can be copied in first.
    public func create(_ services: [String]) async throws {
        try await compose(["up", "--no-start"] + services)
    }

    /// `host:port` on the engine's side for a published container port, as `127.0.0.1:49153`.
    public func address(of service: String, port: Int) async throws -> String {
        let output = try await compose(["port", service, String(port)])
        let text = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let line = text.split(separator: "\n").first, line.contains(":") else {
            throw Failure(description: "\(service) does not publish port \(port)")
        }
        // An engine publishing on every interface answers 0.0.0.0; the drill talks over loopback.
        return line.replacingOccurrences(of: "0.0.0.0:", with: "127.0.0.1:")
    }

    public func copy(_ localPath: String, to service: String, path: String) async throws {
        try await compose(["cp", localPath, "\(service):\(path)"])
    }

    public func exec(_ service: String, _ arguments: [String], user: String? = nil) async throws -> CommandOutput {
        try await CommandRunner.run(execCommand(service, arguments, user: user))
    }

    /// `exec -T` in a running service. `secrets` reach the process by name (`-e NAME`): compose
    /// reads their values from its own environment, so they never appear in argv.
    func execCommand(_ service: String, _ arguments: [String], user: String? = nil, secrets: [String: String] = [:]) -> Command {
        command(["exec", "-T"] + (user.map { ["--user", $0] } ?? []) + secrets.keys.sorted().flatMap { ["-e", $0] }
                + [service] + arguments, environment: secrets)
    }

    /// A one-off container of `service` (its dependencies already up), removed afterwards.
    func runOnce(_ service: String, _ arguments: [String]) -> Command {
        command(["run", "--rm", "--no-deps", "-T", service] + arguments)
    }

    public func logs(_ services: [String] = [], tail: Int? = nil) async throws -> String {
        try await compose(["logs", "--no-color"] + (tail.map { ["--tail", String($0)] } ?? []) + services, check: false).standardOutput
    }

    public struct ServiceState: Sendable, Equatable {
        public var service: String
        public var state: String
        public var exitCode: Int
        public var health: String
        public var restarts: Int = 0
    }

    /// Every container of the project, running or not (`ps --all --format json`: one JSON
    /// object per line in Compose v2.21 and later, an array before). For a container that is
    /// not running, the exit code and restart count come from `docker inspect`: `ps` shows 0
    /// for one that is restarting.
    public func states() async throws -> [ServiceState] {
        let output = try await compose(["ps", "--all", "--format", "json"])
        let text = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        var objects: [[String: Any]] = []
        if text.hasPrefix("[") {
            objects = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []
        } else {
            for line in text.split(separator: "\n") {
                if let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] { objects.append(object) }
            }
        }
        var states: [ServiceState] = []
        for object in objects {
            var state = ServiceState(service: object["Service"] as? String ?? "?", state: object["State"] as? String ?? "?",
                                     exitCode: object["ExitCode"] as? Int ?? 0, health: object["Health"] as? String ?? "")
            if state.state != "running", let id = object["ID"] as? String {
                // A crash-looping container is back to running (exit code reset to 0) part of
                // the time: look again briefly for a moment when it is not.
                for attempt in 0..<8 {
                    guard let inspected = try? await CommandRunner.run(Command("docker", ["inspect", "--format",
                                                                                          "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", id])),
                          inspected.succeeded else { break }
                    let fields = inspected.standardOutput.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                    guard fields.count == 3, let code = Int(fields[1]), let restarts = Int(fields[2]) else { break }
                    state.restarts = restarts
                    if fields[0] != "running" {
                        (state.state, state.exitCode) = (fields[0], code)
                        break
                    }
                    if attempt < 7 { try? await Task.sleep(for: .milliseconds(150)) }
                }
            }
            states.append(state)
        }
        return states
    }

    /// Waits until every service in `services` runs and, where it has a healthcheck, is
    /// healthy. `up --wait` says so too, but has been seen to return while a healthcheck
    /// was still starting; the drill does not take its word alone.
    public func waitUntilHealthy(_ services: [String], timeoutSeconds: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        while true {
            let states = try await self.states().filter { services.contains($0.service) }
            let missing = services.filter { service in !states.contains { $0.service == service } }
            let pending = states.filter { $0.state != "running" || !($0.health.isEmpty || $0.health == "healthy") }
            if missing.isEmpty, pending.isEmpty { return }
            if let dead = pending.first(where: { $0.state != "running" || $0.health == "unhealthy" }) {
                throw Failure(description: "\(dead.service) is \(dead.state)" + (dead.health.isEmpty ? "" : " (\(dead.health))"))
            }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "not healthy after \(timeoutSeconds)s: "
                              + (missing.map { "\($0): no container" } + pending.map { "\($0.service): \($0.health)" }).joined(separator: ", "))
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// The names the merged configuration declares (`config --format json`).
    public struct Declared: Sendable {
        public var services: [String]
        public var volumes: [String]
        public var networks: [String]
    }

    public func declared() async throws -> Declared {
        let output = try await compose(["config", "--format", "json"])
        guard let object = (try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8))) as? [String: Any] else {
            throw Failure(description: "docker compose config printed no JSON")
        }
        func names(_ key: String) -> [String] { ((object[key] as? [String: Any])?.keys).map { $0.sorted() } ?? [] }
        return Declared(services: names("services"), volumes: names("volumes"), networks: names("networks"))
    }

    // MARK: Teardown

    /// `down -v --remove-orphans`, then proof: what still carries the project's label (or any
    /// of `alsoLabelled`, checked at the same time). What compose did not take (a volume still
    /// in use a moment ago, a network of a half-created project) is removed by label first.
    public func tearDown(alsoLabelled: [String] = []) async -> (actions: [String], leftovers: [String]) {
        var actions: [String] = [], leftovers: [String] = []
        do {
            var output = try await compose(["down", "--volumes", "--remove-orphans", "--timeout", "10"], check: false)
            if !output.succeeded {
                // Compose files it cannot read any more: the project's label is enough to find what to remove.
                output = try await CommandRunner.run(Command("docker", ["compose", "-p", name, "down", "--volumes", "--remove-orphans", "--timeout", "10"]))
            }
            // A failed `down` is not itself a leftover: the sweep and the label check below
            // say whether anything remains.
            actions.append(output.succeeded ? "docker compose -p \(name) down --volumes --remove-orphans"
                                            : "docker compose down failed (\(output.errorTail())); removing by label")
        } catch {
            actions.append("docker compose down could not run (\(error)); removing by label")
        }
        let labels = [Self.projectLabel + "=" + name] + alsoLabelled
        var remaining = await Self.labelled(labels)
        // Swept only when something is left, so a clean `down` costs no extra listings.
        if remaining.contains(where: { !$0.isEmpty }) {
            for (label, items) in zip(labels, remaining) where !items.isEmpty {
                let swept = await Self.removeLabelled(label)
                if !swept.isEmpty { actions.append("removed what down left, by label \(label): " + swept.joined(separator: ", ")) }
            }
            remaining = await Self.labelled(labels)
        }
        for (label, items) in zip(labels, remaining) {
            if items.isEmpty {
                actions.append("verified: no container, volume or network labelled \(label) remains")
            } else {
                leftovers += items.map { "\($0) labelled \(label)" }
            }
        }
        return (actions, leftovers)
    }

    public static let projectLabel = "com.docker.compose.project"

    /// Force-removes containers, then volumes, then networks carrying `label`; says what went.
    static func removeLabelled(_ label: String) async -> [String] {
        var removed: [String] = []
        for (kind, list, remove) in [("container", ["ps", "--all", "--quiet"], ["rm", "--force", "--volumes"]),
                                     ("volume", ["volume", "ls", "--quiet"], ["volume", "rm", "--force"]),
                                     ("network", ["network", "ls", "--quiet"], ["network", "rm"])] {
            let ids = (try? await CommandRunner.run(Command("docker", list + ["--filter", "label=" + label])))?
                .standardOutput.split(separator: "\n").map(String.init) ?? []
            guard !ids.isEmpty else { continue }
            if (try? await CommandRunner.run(Command("docker", remove + ids)))?.succeeded == true {
                removed += ids.map { "\(kind) \($0)" }
            }
        }
        return removed
    }

    public static func labelled(project: String) async -> [String] {
        await labelled(projectLabel + "=" + project)
    }

    /// What carries each of `labels`, all listed side by side, in `labels` order.
    static func labelled(_ labels: [String]) async -> [[String]] {
        await withTaskGroup(of: (Int, [String]).self) { group in
            for (index, label) in labels.enumerated() { group.addTask { (index, await Self.labelled(label)) } }
            var found = Array(repeating: [String](), count: labels.count)
            for await (index, items) in group { found[index] = items }
            return found
        }
    }

    /// Containers, volumes and networks carrying `label` (`key=value`), listed side by side.
    public static func labelled(_ label: String) async -> [String] {
        let filter = "label=" + label
        async let containers = list("container", ["ps", "--all", "--quiet", "--filter", filter])
        async let volumes = list("volume", ["volume", "ls", "--quiet", "--filter", filter])
        async let networks = list("network", ["network", "ls", "--quiet", "--filter", filter])
        return await containers + volumes + networks
    }

    private static func list(_ kind: String, _ arguments: [String]) async -> [String] {
        guard let output = try? await CommandRunner.run(Command("docker", arguments)) else {
            return ["could not list \(kind)s to verify the teardown"]
        }
        guard output.succeeded else { return ["could not list \(kind)s to verify the teardown: \(output.errorTail())"] }
        return output.standardOutput.split(separator: "\n").map { "\(kind) \($0)" }
    }
}
