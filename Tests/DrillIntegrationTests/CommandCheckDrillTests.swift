import Foundation
@testable import DrillKit
import Testing

/// The `command` check in real drills: on this host with the restored database's `PG*`
/// variables (both targets) and inside an app service (compose), each judged against a
/// deliberately broken backup and shown not to fire on a healthy one.
// Limits catch hangs, not slowness (speed lives in Benchmarks/): the compose test below needs its 10 minutes on a loaded CI machine.
@Suite(.timeLimit(.minutes(10))) struct CommandCheckDrillTests {
    static let pluginsSQL = smallShopSQL + """

        CREATE TABLE plugins (name text PRIMARY KEY);
        INSERT INTO plugins VALUES ('alpha'), ('beta'), ('gamma');
        """

    static func drill(_ dump: String, _ checks: [CheckKind], in scratch: ScratchFolder) async -> DrillRecord {
        await DrillRunner(scenario: Scenario.testScenario(dump: dump, checks: checks, reportDirectory: scratch.path)).run()
    }

    @Test func aBaselineOfCommandOutputCatchesABackupThatLostARow() async throws {
        let baseline = NSTemporaryDirectory() + "plugins-\(RandomToken.hex(bytes: 4)).txt"
        try "alpha\nbeta\ngamma\n".write(toFile: baseline, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: baseline) }
        let checks: [CheckKind] = [
            .command(CommandCheckSpec(run: ["psql", "-XAtc", "SELECT name FROM plugins ORDER BY name"], output: .equalsFile(baseline))),
            .command(CommandCheckSpec(run: ["psql", "-XAtc", "SELECT count(*) FROM orders"], output: .matches("^[0-9]+$"))),
            .command(CommandCheckSpec(run: ["sh", "-c", "exit 3"], exitCode: 3)),
        ]
        try await withProductionDump(sql: Self.pluginsSQL) { dump, scratch in
            let healthy = await Self.drill(dump, checks, in: scratch)
            #expect(healthy.verdict == .pass, "\(healthy.outline)")
            #expect(healthy.checks.map(\.verdict) == [.pass, .pass, .pass])
            #expect(healthy.checks[0].message == "`psql -XAtc SELECT name FROM plugins ORDER BY name` ended with exit code 0, output as expected")
        }
        try await withProductionDump(sql: Self.pluginsSQL + "\nDELETE FROM plugins WHERE name = 'gamma';") { dump, scratch in
            let broken = await Self.drill(dump, checks, in: scratch)
            #expect(broken.verdict == .fail, "\(broken.outline)")
            #expect(broken.checks.map(\.verdict) == [.fail, .pass, .pass])
            #expect(broken.checks[0].message == "`psql -XAtc SELECT name FROM plugins ORDER BY name`: its output differs from \(baseline) "
                    + "at line 3: expected 'gamma', got no line; 1 line gone:\n- gamma")
        }
    }

    @Test func aCommandThatHangsFailsOrCannotStartIsNeverAPassAndItsOutputIsRedacted() async throws {
        let pidFile = NSTemporaryDirectory() + "command-child-\(RandomToken.hex(bytes: 4)).pid"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let checks: [CheckKind] = [
            // A script whose own child would outlive it if only the script were stopped; its
            // output pipe would then hold the drill for ten minutes, past the suite's time limit.
            .command(CommandCheckSpec(run: ["sh", "-c", "sleep 600 & echo $! > \(pidFile); wait"], timeoutSeconds: 1)),
            .command(CommandCheckSpec(run: ["no-such-program-\(RandomToken.hex(bytes: 3))"])),
            .command(CommandCheckSpec(run: ["sh", "-c", "echo broken >&2; exit 2"])),
            .command(CommandCheckSpec(run: ["sh", "-c", "echo \"$PGPASSWORD\""], output: .equals("anything"))),
            .command(CommandCheckSpec(run: ["sh", "-c", "echo \"$PGDATABASE on ${PGHOST:+a socket}\""], output: .equals("shop on a socket"))),
        ]
        try await withProductionDump { dump, scratch in
            let record = await Self.drill(dump, checks, in: scratch)
            #expect(record.checks.map(\.verdict) == [.fail, .error, .fail, .fail, .pass], "\(record.outline)")
            #expect(record.checks[0].message == "`sh -c sleep 600 & echo $! > \(pidFile); wait` did not finish within 1s (timeout); it was stopped")
            let child = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(!processIsAlive(child), "the timeout stopped what the command started too")
            #expect(record.checks[1].message?.hasPrefix("could not start `no-such-program-") == true, "\(record.checks[1].message ?? "")")
            #expect(record.checks[2].message == "`sh -c echo broken >&2; exit 2` ended with exit code 2, expected exit code 0; it said:\n'broken'")
            let leaked = try #require(record.checks[3].observations.first { $0.subject == "output" })
            #expect(leaked.actual == "'[REDACTED]'", "the drill's database password never reaches a report")
            #expect(record.verdict == .error)
        }
    }

    @Test(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
          .timeLimit(.minutes(10)))
    func onBothTargetsOnTheHostAndInsideAnAppService() async throws {
        // The counters ahead of the invoices are what the broken backup has wrong.
        let countersInStep = CheckKind.command(CommandCheckSpec(run: ["psql", "-XAtc", """
            SELECT count(*) FROM invoice_counters c
            WHERE c.next_value <> (SELECT coalesce(max(i.number), 0) + 1 FROM invoices i WHERE i.series = c.series)
            """], output: .equals("0")))
        let keyInService = CheckKind.command(CommandCheckSpec(service: "api", run: ["sh", "-c", "test -s /data/master.key && echo key in place"],
                                                              output: .equals("key in place")))
        let notStarted = CheckKind.command(CommandCheckSpec(service: "storefront", run: ["true"]))
        try await AppDrillTests().withFixture { fixture in
            for (dump, healthy) in [(fixture.dump, true), (fixture.counterAheadDump, false)] {
                var local = try TargetParityTests.scenario(.local, fixture: fixture, dump: dump, key: AppDrillTests.keyA)
                local.checks = [CheckSpec(index: 0, location: SourceLocation(line: 10, column: 5), kind: countersInStep)]
                let onHost = await DrillRunner(scenario: local).run()
                #expect(onHost.checks.map(\.verdict) == [healthy ? .pass : .fail], "local:\n\(onHost.outline)")

                var compose = try TargetParityTests.scenario(.compose, fixture: fixture, dump: dump, key: AppDrillTests.keyA)
                compose.checks = [countersInStep, keyInService, notStarted].enumerated().map {
                    CheckSpec(index: $0.offset, location: SourceLocation(line: 10 + $0.offset, column: 5), kind: $0.element)
                }
                let inCompose = await DrillRunner(scenario: compose).run()
                #expect(inCompose.checks.map(\.verdict) == [healthy ? .pass : .fail, .pass, .error], "compose:\n\(inCompose.outline)")
                #expect(inCompose.checks[2].message == "could not run `true`: storefront is not a service this drill starts (api, postgres)")
                #expect(inCompose.teardown?.leftovers == [])
                #expect(await ComposeProject.labelled(ComposeTarget.runLabel + "=" + inCompose.runId).isEmpty)
            }
        }
    }
}
