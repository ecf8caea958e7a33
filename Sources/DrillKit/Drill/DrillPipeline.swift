/// The steps of one drill in the order they run, chosen once from the scenario. The runner
/// iterates them; what each does is in its own type under `Steps/`.
struct DrillPipeline: Sendable {
    var steps: [any DrillStep]
    /// The step whose pass lets the checks run and the audits judge (the restore: checks on a
    /// database that did not restore would only repeat its failure).
    var checksNeed: StepID = .restore
    var checks: any CheckPhase
    var audits: [any DrillAudit] = []
    /// The upgrade gate's way back, rehearsed on its own target after the forward one is gone.
    var rollback: RollbackRehearsal?
    /// Or the upgrade guide's own way back, on the forward target before its teardown.
    var rollbackInPlace: (any ForwardTargetRollback)?

    static func standard(for scenario: Scenario, target: any DrillTarget) -> DrillPipeline {
        var steps: [any DrillStep] = [PlanStep()]
        var audits: [any DrillAudit] = []
        switch scenario.backup.source {
        case .dump(let spec):
            steps += [PrepareDumpStep(spec: spec), TargetStep(title: target.creationTitle), RestoreDumpStep()]
        case .sqlite(let spec):
            steps += [PrepareSQLiteStep(spec: spec), TargetStep(title: target.creationTitle), RestoreSQLiteStep()]
        case .export(let spec):
            steps += [PrepareSQLiteStep(spec: spec.file, importCommand: spec.importCommand), TargetStep(title: target.creationTitle),
                      RestoreSQLiteStep()]
        case .pitr(let spec):
            steps += [PrepareRecoveryStep(spec: spec), TargetStep(title: target.creationTitle), RecoverStep()]
            audits.append(RecoveryAssertionsAudit())
        }
        if let key = scenario.masterKey { steps.append(MasterKeyStep(spec: key)) }
        if let app = scenario.app { steps.append(AppStep(spec: app)) }
        guard let upgrade = scenario.upgrade else {
            if let app = scenario.app, app.migrations != nil || app.version != nil {
                return DrillPipeline(steps: steps, checks: AppStartChecks(spec: app), audits: audits)
            }
            return DrillPipeline(steps: steps, checks: ScenarioChecks(), audits: audits)
        }
        // The gate: a baseline through the current version, the new version's migrations
        // (twice), the new version booted; the checks then judge the upgraded copy.
        steps += [BaselineStep(spec: upgrade), MigrateStep(spec: upgrade), UpgradedAppStep(spec: upgrade)]
        // Checks judge the upgraded copy, so they need the new version up; the way back needs only the backup.
        let rehearsed = upgrade.rollback ? scenario.app : nil
        return DrillPipeline(steps: steps, checksNeed: .upgradedApp, checks: UpgradeChecks(spec: upgrade), audits: audits,
                             rollback: upgrade.rollbackWay == .fresh ? rehearsed.map { RollbackRehearsal(spec: upgrade, app: $0) } : nil,
                             rollbackInPlace: rehearsed.flatMap { app -> (any ForwardTargetRollback)? in
                                 switch upgrade.rollbackWay {
                                 case .inPlace: InPlaceRollback(spec: upgrade, app: app)
                                 case .preUpgrade: PreUpgradeRollback(spec: upgrade, app: app)
                                 case .fresh: nil
                                 }
                             })
    }
}
