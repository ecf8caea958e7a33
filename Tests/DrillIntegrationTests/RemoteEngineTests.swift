import Foundation
@testable import DrillKit
import RefStoreKit
import Testing

/// A drill host reached over SSH (`DOCKER_HOST=ssh://…`), as operators with a dedicated
/// drill machine run it: the dump is copied in (the engine cannot see this host's files),
/// the published loopback ports are reached through SSH tunnels the harness opens and
/// closes, and the app's TOTP login works through them.
@Suite(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
       .serialized, .timeLimit(.minutes(10)))
struct RemoteEngineTests {
    @Test func aDrillOverAnSSHEngineCopiesTheDumpTunnelsThePortsAndLeavesNothing() async throws {
        try await AppDrillTests().withFixture { fixture in
            let ssh = try await TestSSHServer.start(in: fixture.scratch, dockerHost: await ComposeProject.endpoint())
            try await withCleanup({ await ssh.stop() }) {
                let keyFile = try fixture.write("master.key", AppDrillTests.keyA)
                let file = try fixture.write("remote.yml", """
                    version: 1
                    name: remote-drill
                    environment:
                      kind: compose
                      compose: { file: \(ComposeEngine.composeFile), database_service: postgres }
                      database: { name: shop, user: shop }
                    backup:
                      dump: \(fixture.dump)
                      manifest: \(fixture.manifest)
                    master_key:
                      source_file: \(keyFile)
                      install:
                        file: { service: api, path: /data/master.key }
                    app:
                      start: { services: [api] }
                      ready:
                        - http: { url: "http://{{api:3000}}/health", status: 200, json: { status: ok } }
                          timeout: 60s
                    checks:
                      - invoice_sequence: { table: invoices, column: number, series: series, latest: manifest }
                      - totp_login:
                          url: "http://{{api:3000}}/auth/login"
                          email: drill-2fa@example.test
                          password_env: DRILL_PASSWORD
                          secret_env: DRILL_TOTP_SECRET
                    report: { dir: reports }
                    """)
                let run = try await CommandRunner.run(Command(try HarnessBinary.path(), ["run", file], environment: [
                    "DOCKER_HOST": ssh.endpoint, "DOCKER_CONTEXT": nil, "PATH": ssh.path,
                    "DRILL_PASSWORD": AppDrillTests.password, "DRILL_TOTP_SECRET": AppDrillTests.secret,
                ]))
                #expect(run.exitCode == 0, "\(run.standardOutput)\(run.standardError)")
                let record = try DrillRecord.only(in: fixture.scratch.file("reports"))
                #expect(record.environment?.containerEngine?.hasPrefix(ssh.endpoint) == true)
                #expect(record.step("restore")?.evidence.contains { $0.contains("docker compose cp (the engine at \(ssh.endpoint) is not on this machine)") } == true,
                        "\(record.step("restore")?.evidence ?? [])")
                #expect(record.step("target")?.evidence.contains { $0.contains("reached here through an SSH tunnel") } == true)
                #expect(record.step("app")?.evidence.contains { $0.contains("(docker compose port, then an SSH tunnel)") } == true)
                #expect(record.checks.map(\.verdict) == [.pass, .pass])
                #expect(record.teardown?.actions.contains { $0.hasPrefix("closed 2 SSH tunnel(s)") } == true, "\(record.teardown?.actions ?? [])")
                #expect(record.teardown?.leftovers == [])
                #expect(processes(matching: ["ssh", "-N", "ExitOnForwardFailure=yes", "\(ssh.port)"]).isEmpty, "a tunnel outlived the drill")
                #expect(await ComposeProject.labelled(ComposeTarget.runLabel + "=" + record.runId).isEmpty)

                // A tcp:// engine that does not answer is named. (Refusing one that answers from another
                // machine needs a second machine; that decision is unit-tested in ComposeEndpointTests.)
                let tcp = try await CommandRunner.run(Command(try HarnessBinary.path(), ["run", file], environment: [
                    "DOCKER_HOST": "tcp://192.0.2.10:2375", "DOCKER_CONTEXT": nil]))
                #expect(tcp.exitCode == 2)
                #expect(tcp.standardOutput.contains("no Docker engine answers at tcp://192.0.2.10:2375"), "\(tcp.standardOutput)")
            }
        }
    }
}
