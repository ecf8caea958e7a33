import Foundation
@testable import DrillKit
import RefStoreKit
import Testing

/// Faults only a compose drill meets, each proven on a broken stack; the healthy stack (the
/// parity suite's healthy case) shows none of them. Whatever happens, nothing labelled with
/// the run outlives it.
@Suite(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
       .serialized, .timeLimit(.minutes(10)))
struct ComposeFaultTests {
    /// A copy of the stack's compose file with one deliberate fault; an edit that matches
    /// nothing (the stack changed) fails the test instead of testing the healthy stack.
    static func composeFile(in scratch: ScratchFolder, _ name: String, edit: (String) -> String) throws -> String {
        let text = try String(contentsOfFile: ComposeEngine.composeFile, encoding: .utf8)
        let edited = edit(text)
        try #require(edited != text, "the edit for \(name) changed nothing in \(ComposeEngine.composeFile)")
        let path = scratch.file(name)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func expectNothingLeft(_ record: DrillRecord, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async {
        #expect(record.teardown?.leftovers == [], "\(label)", sourceLocation: sourceLocation)
        #expect(await ComposeProject.labelled(ComposeTarget.runLabel + "=" + record.runId).isEmpty, "\(label)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/restore-drill-\(record.runId)"), "\(label)", sourceLocation: sourceLocation)
    }

    @Test func aDatabaseContainerThatNeverTurnsHealthyIsAnErrorQuotingItsState() async throws {
        try await AppDrillTests().withFixture { fixture in
            let sick = try Self.composeFile(in: fixture.scratch, "sick.yml") {
                $0.replacingOccurrences(of: "test: [\"CMD-SHELL\", \"pg_isready", with: "test: [\"CMD-SHELL\", \"false && pg_isready")
            }
            var scenario = try TargetParityTests.scenario(.compose, fixture: fixture, dump: fixture.dump, key: AppDrillTests.keyA)
            scenario.environment.compose = ComposeSpec(file: sick, databaseService: "postgres", waitSeconds: 6)
            let record = await DrillRunner(scenario: scenario).run()
            let target = try #require(record.step("target"))
            #expect(target.verdict == .error, "\(target.evidence)")
            #expect(target.message?.contains("the postgres container did not become healthy within 6s") == true, "\(record.outline)")
            #expect(record.step("restore")?.verdict == .skipped)
            #expect(record.exitCode == 2)
            await expectNothingLeft(record, "never healthy")
        }
    }

    @Test func anAppContainerCrashLoopingWithoutItsKeyIsAnErrorQuotingItsLog() async throws {
        try await AppDrillTests().withFixture { fixture in
            let looping = try Self.composeFile(in: fixture.scratch, "looping.yml") {
                $0.replacingOccurrences(of: "  api:\n", with: "  api:\n    restart: always\n")
            }
            var scenario = try TargetParityTests.scenario(.compose, fixture: fixture, dump: fixture.dump, key: AppDrillTests.keyA)
            scenario.environment.compose = ComposeSpec(file: looping, databaseService: "postgres")
            scenario.masterKey = nil  // the key never reaches the app: it refuses to start, again and again
            scenario.app?.ready = [ReadyProbe(http: HTTPProbe(url: "http://{{api:3000}}/health"), timeoutSeconds: 8)]
            let record = await DrillRunner(scenario: scenario).run()
            let app = try #require(record.step("app"))
            #expect(app.verdict == .error)
            #expect(app.message?.contains("api") == true && app.message?.contains("exit code 78") == true, "\(record.outline)")
            #expect(app.message?.contains("env validation failed: MASTER_KEY") == true, "\(record.outline)")
            #expect(app.message?.contains("the master key did not make it onto the host") == true)
            // The database checks still run on the restored data; the app's cannot.
            #expect(record.checks.map(\.verdict) == [.pass, .error, .error, .error], "\(record.outline)")
            #expect(record.exitCode == 2)
            await expectNothingLeft(record, "crash loop")
        }
    }

    @Test func aKeyPassedAsEnvironmentReachesTheServicesAndNeverTheirFiles() async throws {
        try await AppDrillTests().withFixture { fixture in
            var scenario = try TargetParityTests.scenario(.compose, fixture: fixture, dump: fixture.dump, key: AppDrillTests.keyA)
            let keyFile = try fixture.write("env-key", AppDrillTests.keyA)
            scenario.masterKey = MasterKeySpec(source: .file(keyFile), install: .environment("MASTER_KEY"))
            let plain = try Self.composeFile(in: fixture.scratch, "env-key.yml") {
                $0.replacingOccurrences(of: ", \"--master-key-file\", \"/data/master.key\"", with: "")
            }
            scenario.environment.compose = ComposeSpec(file: plain, databaseService: "postgres")
            let environment = ["DRILL_PASSWORD": AppDrillTests.password, "DRILL_TOTP_SECRET": AppDrillTests.secret]
            let record = await DrillRunner(scenario: scenario, secrets: SecretStore(environment: environment)).run()
            #expect(record.exitCode == 0, "\(record.outline)")
            #expect(record.checks.map(\.verdict) == [.pass, .pass, .pass, .pass])
            let override = try #require(record.step("target")?.evidence.first { $0.hasPrefix("compose files:") })
            #expect(override.contains("compose.override.json"))
            // The key went in by environment only: no file was copied into any container.
            #expect(record.step("master_key")?.message?.contains("MASTER_KEY") == true, "\(record.outline)")
            #expect(record.step("app")?.evidence.contains { $0.hasPrefix("key in ") } == false, "\(record.step("app")?.evidence ?? [])")
            await expectNothingLeft(record, "env key")
        }
    }
}
