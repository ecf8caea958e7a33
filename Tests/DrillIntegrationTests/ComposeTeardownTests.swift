import Foundation
@testable import DrillKit
import Testing

/// A compose drill stopped mid-restore (a signal, or its own deadline) takes its project
/// down and still reports; a harness killed outright leaves a labelled project that `gc`
/// removes, without touching a compose project the harness did not make.
@Suite(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
       .serialized, .timeLimit(.minutes(10)))
struct ComposeTeardownTests {
    static func scenario(in scratch: ScratchFolder, name: String, deadline: String? = nil) throws -> String {
        try slowDrillScenario(in: scratch, name: name, environment: """
              kind: compose
              compose: { file: \(ComposeEngine.composeFile), database_service: postgres }
            """, deadline: deadline)
    }

    /// The docker client running pg_restore in the container for this scratch folder's dump.
    static func restoring() -> Bool {
        !processes(matching: ["docker", "compose", "exec", "pg_restore", "--dbname", "/restore-drill/backup/big.dump"]).isEmpty
    }

    static func projects(scenario: String) async -> [String] {
        let output = try? await CommandRunner.run(Command("docker", ["ps", "--all", "--filter", "label=restore-drill.scenario=\(scenario)",
                                                                     "--format", "{{.Label \"com.docker.compose.project\"}}"]))
        return Array(Set(output?.standardOutput.split(separator: "\n").map(String.init) ?? []))
    }

    @Test func aSignalOrTheDeadlineMidRestoreTakesTheProjectDownAndReports() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await writeSlowDump(in: scratch)
        // The deadline is set from how long the signalled runs took to reach their restore, so
        // that on a loaded host too it strikes mid-restore rather than while the target comes up.
        var slowestToRestore = 0.0
        for (trigger, signal) in [("SIGTERM", SIGTERM), ("SIGINT", SIGINT), ("deadline", 0)] {
            let name = "compose-\(trigger.lowercased())-\(RandomToken.hex(bytes: 3))"
            let deadline = "\(max(6, Int(slowestToRestore * 1.5) + 2))s"
            let scenario = try Self.scenario(in: scratch, name: name, deadline: signal == 0 ? deadline : nil)
            let launched = ContinuousClock.now
            let harness = try HarnessBinary.launch(["run", scenario], output: scratch.file("\(name).txt"))
            let console = { (try? String(contentsOfFile: scratch.file("\(name).txt"), encoding: .utf8)) ?? "" }
            if signal != 0 {
                #expect(await waitUntil(seconds: 180, Self.restoring), "\(trigger): the restore never started:\n\(console())")
                // Sent at once: on a loaded host even a `docker ps` first can outlast the restore.
                kill(harness.processIdentifier, signal)
                slowestToRestore = max(slowestToRestore, (ContinuousClock.now - launched).seconds)
            }
            await harness.exited()

            #expect(harness.terminationStatus == 2, "\(trigger):\n\(console())")
            let record = try DrillRecord.only(in: scratch.file("reports-\(name)"))
            #expect(record.verdict == .error)
            let interrupted = record.steps.first { $0.verdict == .error }
            // A signal is sent mid-restore; the watchdog strikes wherever the drill is, which
            // the deadline above makes the restore but a sudden load can hold at the target.
            #expect(signal == 0 ? ["target", "restore"].contains(interrupted?.id ?? "") : interrupted?.id == "restore",
                    "\(trigger) (deadline \(deadline)):\n\(record.outline)\n\(console())")
            #expect(interrupted?.message?.hasPrefix("interrupted by") == true, "\(interrupted?.message ?? "")")
            #expect(record.checks.allSatisfy { $0.verdict == .skipped })
            #expect(record.teardown?.leftovers == [], "\(trigger)")
            if interrupted?.id == "restore" {
                // The project was up: the target step said so, and the teardown took it down.
                #expect(record.step(.target)?.verdict == .pass)
                #expect(record.teardown?.actions.contains { $0.hasPrefix("verified: no container, volume or network labelled com.docker.compose.project=drill-\(name)-") } == true,
                        "\(record.teardown?.actions ?? [])")
            }
            #expect(record.teardown?.actions.contains { $0.hasPrefix("verified: no container, volume or network labelled restore-drill.run-id=") } == true)
            #expect(record.teardown?.trigger.contains(signal == 0 ? "deadline (\(deadline))" : trigger) == true, "\(record.teardown?.trigger ?? "")")
            #expect(await Self.projects(scenario: name).isEmpty, "\(trigger): the project outlived the drill")
            #expect(await ComposeProject.labelled("restore-drill.run-id=" + record.runId).isEmpty)
            #expect(!Self.restoring())
        }
    }

    @Test func aKilledHarnessLeavesALabelledProjectThatGCRemovesAndNoOtherProject() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await writeSlowDump(in: scratch)
        // Someone else's project on the same engine, with a name like ours but no drill label.
        let bystander = ComposeProject(scenario: "bystander", runId: RandomToken.hex(bytes: 4), file: ComposeEngine.composeFile,
                                       variables: ["DRILL_DB_PASSWORD": RandomToken.hex(bytes: 8)])
        try await bystander.create(["postgres"])
        try await withCleanup({ _ = await bystander.tearDown() }) {
            let name = "compose-killed-\(RandomToken.hex(bytes: 3))"
            let harness = try HarnessBinary.launch(["run", try Self.scenario(in: scratch, name: name)], output: scratch.file("console.txt"))
            #expect(await waitUntil(seconds: 90, Self.restoring))
            kill(harness.processIdentifier, SIGKILL)
            await harness.exited()
            let left = await Self.projects(scenario: name)
            try #require(left.count == 1, "the killed harness's project should still be there")

            let gc = try await HarnessBinary.run(["gc"])
            #expect(gc.succeeded, "\(gc.standardOutput)\(gc.standardError)")
            #expect(gc.standardOutput.contains("removed compose project \(left[0])"), "\(gc.standardOutput)")
            #expect(await Self.projects(scenario: name).isEmpty)
            #expect(await ComposeProject.labelled(project: left[0]).isEmpty)
            #expect(await !ComposeProject.labelled(project: bystander.name).isEmpty, "gc touched a project it did not make")
        }
    }
}
