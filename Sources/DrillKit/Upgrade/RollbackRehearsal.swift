import Foundation

/// The way back, rehearsed: a fresh throwaway from the same pre-upgrade backup, the current
/// version booted on it and answering its probes (and reporting its version), timed as its own
/// RTO, then torn down. Forward-only migrations leave no other way back; a gate that never
/// tried this one has not proven the upgrade is safe.
struct RollbackRehearsal: Sendable {
    let spec: UpgradeSpec
    let app: AppSpec

    static let title = "Rehearse the way back: the current version on a fresh restore of the pre-upgrade backup"

    /// Runs after the forward target is gone; returns the summary step for the drill's record
    /// and writes the rehearsal's own steps into `record.upgrade.rollback`.
    func run(_ forward: DrillContext, target: any DrillTarget, _ record: inout DrillRecord) async -> StepRecord {
        forward.observer.stepStarted(id: .rollback, title: Self.title)
        let startedAt = Date()
        let clock = ContinuousClock.now
        let drill = DrillContext(scenario: forward.scenario, runId: forward.runId, secrets: forward.secrets, observer: SilentObserver(),
                                 interruption: forward.interruption, target: target)
        var state = DrillState()
        var scratch = DrillRecord(runId: record.runId, scenarioName: record.scenarioName, scenarioFile: record.scenarioFile, startedAt: startedAt)
        var steps: [any DrillStep] = []
        switch forward.scenario.backup.source {
        case .dump(let dump): steps += [PrepareDumpStep(spec: dump), TargetStep(title: target.creationTitle), RestoreDumpStep()]
        case .sqlite(let file): steps += [PrepareSQLiteStep(spec: file), TargetStep(title: target.creationTitle), RestoreSQLiteStep()]
        case .export(let export):
            steps += [PrepareSQLiteStep(spec: export.file, importCommand: export.importCommand), TargetStep(title: target.creationTitle),
                      RestoreSQLiteStep()]
        case .pitr: break
        }
        if let key = forward.scenario.masterKey { steps.append(MasterKeyStep(spec: key)) }
        steps.append(AppStep(spec: app))
        var finished: [StepRecord] = []
        var rtoStart: ContinuousClock.Instant?
        var rtoEnd: ContinuousClock.Instant?
        for step in steps {
            if let reason = drill.stopReason {
                finished.append(StepRecord(id: step.id, title: step.title, verdict: .skipped, message: "skipped: interrupted by \(reason)"))
                break
            }
            if step.id == .target { rtoStart = ContinuousClock.now }
            let result = await TimedStep.run(step.id, step.title, drill.secrets) { try await step.run(drill, &state, &scratch) }
            finished.append(result)
            forward.observer.progress(stepId: .rollback, text: "\(step.id): \(result.verdict.rawValue) \(result.message ?? "")")
            if result.verdict != .pass { break }
            if step.id == .app { rtoEnd = ContinuousClock.now }
        }
        var versionProblem: String?
        if finished.count == steps.count, finished.allSatisfy({ $0.verdict == .pass }), let version = spec.version, let address = state.appAddress {
            do {
                let reported = try await UpgradeFiguresReader.version(version, at: address)
                versionProblem = UpgradeFiguresReader.mismatch(reported, expected: version.from, side: "rolled-back")
                finished.append(StepRecord(id: "rollback_version", title: "The current version reports itself", verdict: versionProblem == nil ? .pass : .fail,
                                           message: versionProblem ?? "version \(reported)"))
            } catch {
                versionProblem = "\(error)"
                finished.append(StepRecord(id: "rollback_version", title: "The current version reports itself", verdict: .fail, message: "\(error)"))
            }
            rtoEnd = ContinuousClock.now
        }
        await TeardownStep().run(drill, &state, &scratch)
        let rto = rtoStart.flatMap { start in rtoEnd.map { ($0 - start).seconds } }
        let failed = finished.first { $0.verdict != .pass }
        let teardownClean = scratch.teardown?.verdict == .pass
        let verdict: Verdict = failed.map { $0.verdict == .skipped ? .error : $0.verdict } ?? (teardownClean ? .pass : .error)
        var upgrade = record.upgrade ?? UpgradeRecord()
        upgrade.rollback = RollbackRecord(steps: finished, verdict: verdict, rtoSeconds: rto, teardown: scratch.teardown)
        record.upgrade = upgrade
        let message: String
        if let failed {
            message = "the way back failed at \(failed.id): \(failed.message ?? failed.title)"
        } else if !teardownClean {
            message = "the way back worked, but its teardown left " + (scratch.teardown?.leftovers.joined(separator: "; ") ?? "something behind")
        } else {
            let version = state.appAddress != nil ? (spec.version?.from.map { " \($0)" } ?? "") : ""
            message = "the current version\(version) is back on a fresh restore of the pre-upgrade backup in \(rto.map(DurationText.format) ?? "?") (its RTO)"
        }
        let step = StepRecord(id: .rollback, title: Self.title, verdict: verdict, startedAt: startedAt,
                              durationSeconds: (ContinuousClock.now - clock).seconds, message: drill.secrets.redact(message),
                              evidence: finished.map { "\($0.id): \($0.verdict.rawValue), \(DurationText.format($0.durationSeconds))" })
        forward.observer.stepFinished(step)
        return step
    }
}
