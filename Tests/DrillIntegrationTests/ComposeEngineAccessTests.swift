import Foundation
@testable import DrillKit
import Testing

/// Where operators' engines are: named by DOCKER_HOST or by a docker context, on this
/// machine (the dump bind-mounted) or elsewhere (copied in); and a clear error when there is
/// no engine or only Compose v1. Every dump format restores in the container.
@Suite(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
       .serialized, .timeLimit(.minutes(10)))
struct ComposeEngineAccessTests {
    static func scenario(dump: String, reports: String, delivery: DumpDelivery = .auto) -> Scenario {
        var scenario = Scenario.testScenario(dump: dump, checks: [
            .sql(SQLCheckSpec(name: "orders restored", query: "SELECT count(*) FROM orders", expect: Comparison(op: .equal, operand: "2000"))),
        ], reportDirectory: reports)
        scenario.name = "engine-access"
        scenario.environment = EnvironmentSpec(kind: .compose, compose: ComposeSpec(file: ComposeEngine.composeFile, databaseService: "postgres",
                                                                                   dumpDelivery: delivery),
                                               database: scenario.environment.database)
        return scenario
    }

    /// A scenario file for running the harness binary as operators do.
    static func writeScenario(named name: String, dump: String, in scratch: ScratchFolder) throws -> String {
        let file = scratch.file("\(name).yml")
        try """
            version: 1
            name: \(name)
            environment:
              kind: compose
              compose: { file: \(ComposeEngine.composeFile), database_service: postgres }
              database: { name: shop, user: shop }
            backup: { dump: \(dump) }
            checks:
              - sql: { name: orders restored, query: "SELECT count(*) FROM orders", expect: "= 2000" }
            report: { dir: reports }
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Copied in (what a remote engine gets) or bind-mounted, in every format: the same result.
    @Test(arguments: [(DumpFormat.custom, DumpDelivery.copy), (.directory, .copy), (.tar, .mount), (.plain, .copy)])
    func everyFormatRestoresInTheContainerMountedOrCopied(format: DumpFormat, delivery: DumpDelivery) async throws {
        try await withProductionDump(format: format) { dump, scratch in
            let record = await DrillRunner(scenario: Self.scenario(dump: dump, reports: scratch.path, delivery: delivery)).run()
            let restore = try #require(record.step("restore"))
            #expect(record.exitCode == 0, "\(record.steps.map { "\($0.id): \($0.message ?? "")" })")
            let expected = delivery == .copy ? "with docker compose cp (dump_delivery: copy)" : "bind-mounted read-only at /restore-drill/backup/"
            #expect(restore.evidence.contains { $0.contains(expected) }, "\(restore.evidence)")
            #expect(record.checks.first?.verdict == .pass)
            #expect(record.teardown?.leftovers == [])
        }
    }

    /// Run as an operator would, with the engine named only by a docker context.
    @Test func aDockerContextIsHonouredAndANamedEngineThatIsMissingIsAClearError() async throws {
        try await withProductionDump { dump, scratch in
            let endpoint = await ComposeProject.endpoint()
            let context = "restore-drill-test-" + RandomToken.hex(bytes: 3)
            let created = try await CommandRunner.run(Command("docker", ["context", "create", context, "--docker", "host=\(endpoint)"]))
            try #require(created.succeeded, "\(created.errorTail())")
            let file = try Self.writeScenario(named: "engine-context", dump: dump, in: scratch)
            try await withCleanup({ _ = try? await CommandRunner.run(Command("docker", ["context", "rm", "--force", context])) }) {
                let run = try await CommandRunner.run(Command(try HarnessBinary.path(), ["run", file],
                                                              environment: ["DOCKER_HOST": nil, "DOCKER_CONTEXT": context]))
                #expect(run.exitCode == 0, "\(run.standardOutput)\(run.standardError)")
                #expect(run.standardOutput.contains("project down, nothing labelled with this run remains"), "\(run.standardOutput)")
            }

            let gone = "restore-drill-gone-" + RandomToken.hex(bytes: 3)
            _ = try await CommandRunner.run(Command("docker", ["context", "create", gone, "--docker", "host=unix:///nonexistent/docker.sock"]))
            try await withCleanup({ _ = try? await CommandRunner.run(Command("docker", ["context", "rm", "--force", gone])) }) {
                let missing = try await CommandRunner.run(Command(try HarnessBinary.path(), ["run", file],
                                                                  environment: ["DOCKER_HOST": nil, "DOCKER_CONTEXT": gone]))
                #expect(missing.exitCode == 2)
                #expect(missing.standardOutput.contains("no Docker engine answers at"), "\(missing.standardOutput)")
            }
        }
    }

    /// A host whose `docker` has no compose plugin (Compose v1 era) is told what to install.
    @Test func composeV1AloneIsAClearError() async throws {
        try await withProductionDump { dump, scratch in
            let bin = scratch.file("bin")
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            // The docker CLI of a host with only docker-compose v1: `docker compose` is unknown.
            try """
                #!/bin/sh
                if [ "$1" = compose ]; then echo "docker: 'compose' is not a docker command." >&2; exit 1; fi
                exec /usr/bin/env -u PATH /usr/local/bin/docker "$@"
                """.write(toFile: bin + "/docker", atomically: true, encoding: .utf8)
            chmod(bin + "/docker", 0o755)
            let file = try Self.writeScenario(named: "engine-v1", dump: dump, in: scratch)
            let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            let run = try await CommandRunner.run(Command(try HarnessBinary.path(), ["run", file], environment: ["PATH": path]))
            #expect(run.exitCode == 2)
            #expect(run.standardOutput.contains("Compose v2 is needed (`docker compose`, not docker-compose v1)"), "\(run.standardOutput)")
            #expect(run.standardOutput.contains("'compose' is not a docker command"))
        }
    }
}
