import Foundation
@testable import DrillKit
import Testing

/// Which steps a scenario gets, in which order: chosen once, from the scenario.
@Suite struct StandardPipelineTests {
    static func scenario(_ source: BackupSource, key: Bool, app: Bool) -> Scenario {
        Scenario(file: "/drills/s.yml", name: "s", objectives: Objectives(tier: .baseline, rpoSeconds: nil, rtoSeconds: nil),
                 environment: EnvironmentSpec(target: .local(LocalSpec()), database: DatabaseSpec(name: "shop", user: "shop")),
                 backup: BackupSpec(source: source),
                 masterKey: key ? MasterKeySpec(source: .file("/keys/master.key"), install: .environment("MASTER_KEY")) : nil,
                 app: app ? AppSpec(start: .command(["app"])) : nil, checks: [], report: ReportSpec(directory: "/r"))
    }

    @Test func aDumpDrillRestoresThenInstallsTheKeyThenBootsTheApp() {
        let scenario = Self.scenario(.dump(DumpSpec(path: "/d.dump")), key: true, app: true)
        let target = DrillTargets.make(for: scenario, runId: "r", secrets: SecretStore())
        let pipeline = DrillPipeline.standard(for: scenario, target: target)
        #expect(pipeline.steps.map(\.id) == [.plan, .prepare, .target, .restore, .masterKey, .app])
        #expect(pipeline.steps[3] is RestoreDumpStep)
        #expect(pipeline.steps[2].title == "Create the throwaway PostgreSQL")
        #expect(pipeline.audits.isEmpty)
        #expect(pipeline.checksNeed == .restore)
    }

    @Test func aRecoveryDrillRecoversAndIsAuditedForItsTwoSidedProof() {
        let scenario = Self.scenario(.pitr(PITRSpec(base: "/b", walArchive: "/w", target: .latest)), key: false, app: false)
        let target = DrillTargets.make(for: scenario, runId: "r", secrets: SecretStore())
        let pipeline = DrillPipeline.standard(for: scenario, target: target)
        #expect(pipeline.steps.map(\.id) == [.plan, .prepare, .target, .restore])
        #expect(pipeline.steps[1] is PrepareRecoveryStep)
        #expect(pipeline.steps[3] is RecoverStep)
        #expect(pipeline.audits.first is RecoveryAssertionsAudit)
    }

    @Test func theComposeTargetTitlesItsOwnCreation() {
        var scenario = Self.scenario(.dump(DumpSpec(path: "/d.dump")), key: false, app: false)
        scenario.environment.target = .compose(ComposeSpec(file: "/c.yml", databaseService: "postgres"))
        let target = DrillTargets.make(for: scenario, runId: "r", secrets: SecretStore())
        #expect(target.kind == "compose")
        #expect(DrillPipeline.standard(for: scenario, target: target).steps[2].title == "Create the throwaway compose project and start its database")
    }
}
