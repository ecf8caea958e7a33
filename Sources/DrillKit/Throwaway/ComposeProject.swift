import Foundation

/// A `docker compose` project the drill alone created: named `drill-<scenario>-<run id>`, so
/// every container, volume and network it owns carries that project label, and nothing
/// outside it is ever touched. Talks to whatever engine `DOCKER_HOST` or the current docker
/// context names.
public struct ComposeProject: Sendable {
    public static let namePrefix = "drill-"

    public let name: String
    public let file: String
    /// Variables the compose file reads (`DRILL_DB_PASSWORD`, …), passed through the
    /// environment of each `docker compose` call, never argv.
    let variables: [String: String]

    public init(scenario: String, runId: String, file: String, variables: [String: String]) {
        self.name = Self.projectName(scenario: scenario, runId: runId)
        self.file = file
        self.variables = variables
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
    public static func checkEngine(environment: [String: String?] = [:]) async throws {
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
    }

    // MARK: Compose calls

    @discardableResult
    func compose(_ arguments: [String], check: Bool = true) async throws -> CommandOutput {
        let environment = variables.mapValues { Optional($0) }
        let output = try await CommandRunner.run(Command("docker", ["compose", "-f", file, "-p", name] + arguments, environment: environment))
        if check, !output.succeeded {
            throw Failure(description: "docker compose \(arguments.first ?? "") failed (\(output.statusDescription)): \(output.errorTail())")
        }
        return output
    }

    /// Starts `services` and waits until their healthchecks pass.
    public func up(_ services: [String], timeoutSeconds: Int = 120) async throws {
        try await compose(["up", "--detach", "--wait", "--wait-timeout", String(timeoutSeconds)] + services)
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
        try await compose(["exec", "-T"] + (user.map { ["--user", $0] } ?? []) + [service] + arguments, check: false)
    }

    public func logs(_ services: [String] = []) async throws -> String {
        try await compose(["logs", "--no-color", "--no-log-prefix"] + services, check: false).standardOutput
    }

    // MARK: Teardown

    /// `down -v --remove-orphans`, then proof: what still carries the project's label.
    public func tearDown() async -> (actions: [String], leftovers: [String]) {
        var actions: [String] = [], leftovers: [String] = []
        do {
            let output = try await compose(["down", "--volumes", "--remove-orphans", "--timeout", "10"], check: false)
            if output.succeeded {
                actions.append("docker compose -p \(name) down --volumes --remove-orphans")
            } else {
                leftovers.append("docker compose down failed: \(output.errorTail())")
            }
        } catch {
            leftovers.append("docker compose down could not run: \(error)")
        }
        let remaining = await Self.labelled(project: name)
        if remaining.isEmpty {
            actions.append("verified: no container, volume or network labelled com.docker.compose.project=\(name) remains")
        } else {
            leftovers += remaining
        }
        return (actions, leftovers)
    }

    /// Containers, volumes and networks carrying `com.docker.compose.project=project`.
    public static func labelled(project: String) async -> [String] {
        let filter = "label=com.docker.compose.project=\(project)"
        var found: [String] = []
        for (kind, arguments) in [("container", ["ps", "--all", "--quiet", "--filter", filter]),
                                  ("volume", ["volume", "ls", "--quiet", "--filter", filter]),
                                  ("network", ["network", "ls", "--quiet", "--filter", filter])] {
            guard let output = try? await CommandRunner.run(Command("docker", arguments)) else {
                found.append("could not list \(kind)s to verify the teardown")
                continue
            }
            guard output.succeeded else {
                found.append("could not list \(kind)s to verify the teardown: \(output.errorTail())")
                continue
            }
            found += output.standardOutput.split(separator: "\n").map { "\(kind) \($0)" }
        }
        return found
    }
}
