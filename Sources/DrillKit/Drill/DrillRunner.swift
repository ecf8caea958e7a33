import Foundation

/// Carries out one drill (the pipeline of steps in its target, then the checks, then the
/// teardown) and returns the record every report renders from. It never throws: whatever
/// happens ends up in the record, and the throwaway target is torn down on every path.
public final class DrillRunner: Sendable {
    public static let harnessVersion = "0.1.0"

    let scenario: Scenario
    let runId: String
    let observer: any DrillObserver
    let interruption: Interruption
    let secrets: SecretStore
    /// Each run gets its own target (what it created is per run) and the pipeline for it.
    let makeTarget: @Sendable () -> any DrillTarget
    /// The upgrade gate's second throwaway, for the way back.
    let makeRollbackTarget: @Sendable () -> any DrillTarget
    let makePipeline: @Sendable (any DrillTarget) -> DrillPipeline

    public convenience init(scenario: Scenario, runId: String = RunID.make(), observer: any DrillObserver = SilentObserver(),
                            interruption: Interruption = Interruption(), secrets: SecretStore = SecretStore()) {
        self.init(scenario: scenario, runId: runId, observer: observer, interruption: interruption, secrets: secrets,
                  target: { DrillTargets.make(for: scenario.upgradeForward, runId: runId, secrets: secrets) },
                  rollbackTarget: { DrillTargets.make(for: scenario, runId: runId + "-back", secrets: secrets) },
                  pipeline: { DrillPipeline.standard(for: scenario, target: $0) })
    }

    /// Any target and pipeline: the tests' fake target and scripted steps.
    init(scenario: Scenario, runId: String, observer: any DrillObserver, interruption: Interruption, secrets: SecretStore,
         target: @escaping @Sendable () -> any DrillTarget, rollbackTarget: (@Sendable () -> any DrillTarget)? = nil,
         pipeline: @escaping @Sendable (any DrillTarget) -> DrillPipeline) {
        self.scenario = scenario
        self.runId = runId
        self.observer = observer
        self.interruption = interruption
        self.secrets = secrets
        self.makeTarget = target
        self.makeRollbackTarget = rollbackTarget ?? target
        self.makePipeline = pipeline
    }

    public func run() async -> DrillRecord {
        let body = Task { await self.carryOut() }
        let deadline = scenario.deadlineSeconds
        let interruption = self.interruption
        // The scenario's hard deadline: past it, the drill stops as if interrupted, and the
        // teardown (which ignores cancellation) still runs.
        let watchdog = Task {
            try await Task.sleep(for: .milliseconds(Int64(deadline * 1000)))
            interruption.record("the scenario's deadline (\(DurationText.formatObjective(deadline)))")
            body.cancel()
        }
        let record = await withTaskCancellationHandler { await body.value } onCancel: { body.cancel() }
        watchdog.cancel()
        return record
    }

    private func carryOut() async -> DrillRecord {
        let target = makeTarget()
        let pipeline = makePipeline(target)
        var record = DrillRecord(runId: runId, scenarioName: scenario.name, scenarioFile: scenario.file,
                                 scenarioDescription: scenario.description, startedAt: Date())
        record.tier = scenario.objectives.tier?.rawValue
        record.cadenceSeconds = scenario.evidence.cadenceSeconds
        record.controls = scenario.evidence.controls.isEmpty ? nil : scenario.evidence.controls
        var facts = EnvironmentFacts(targetKind: target.kind, host: ProcessInfo.processInfo.hostName,
                                     operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString,
                                     harnessVersion: Self.harnessVersion)
        let serverAside = scenario.environment.database.engine == .postgresql ? " (PostgreSQL runs as postgres)" : ""
        facts.runAsUser = SystemUser.isRoot ? "root" + serverAside : NSUserName()
        record.environment = facts
        observer.drillStarted(scenario: scenario, runId: runId)
        let drill = DrillContext(scenario: scenario, runId: runId, secrets: secrets, observer: observer,
                                 interruption: interruption, target: target)
        var state = DrillState()

        var previous: StepRecord?
        for step in pipeline.steps {
            let result = await perform(step, after: previous, drill, &state, &record)
            finish(result, &record)
            previous = result
        }
        let restored = record.steps.first { $0.id == pipeline.checksNeed }?.verdict == .pass
        await runChecks(pipeline.checks, drill, &state, &record, restored: restored, need: pipeline.checksNeed)
        if restored {
            for audit in pipeline.audits {
                if let problem = audit.problem(drill) { finish(problem, &record) }
            }
        }
        state.stoppedAt = ContinuousClock.now
        // In place, the way back starts from the upgraded database, whatever the upgrade did to it.
        if let inPlace = pipeline.rollbackInPlace, record.steps.first(where: { $0.id == .baseline })?.verdict == .pass, drill.stopReason == nil {
            finish(await inPlace.run(drill, &state, &record), &record, observed: false)
        }
        await TeardownStep().run(drill, &state, &record)
        // The way back starts from the backup, so it is rehearsed whenever the backup restored,
        // and most of all when the upgrade failed.
        let backupRestored = record.steps.first { $0.id == .restore }?.verdict == .pass
        if let rollback = pipeline.rollback, backupRestored, drill.stopReason == nil {
            finish(await rollback.run(drill, target: makeRollbackTarget(), &record), &record, observed: false)
        }
        ObjectiveJudge.judge(scenario, state, &record)

        record.finishedAt = Date()
        record.environment?.harnessPeakMemoryBytes = peakResidentMemory()
        (record.verdict, record.exitCode) = DrillVerdict.judge(record)
        record.summary = secrets.redact(DrillVerdict.summary(record, interruption: interruption.current))
        observer.drillFinished(record)
        return record
    }

    /// Runs one step, timed on the monotonic clock. The one skip rule: a step after one that
    /// did not pass is skipped, never passed, and so is every step once the drill is stopping.
    private func perform(_ step: any DrillStep, after previous: StepRecord?, _ drill: DrillContext,
                         _ state: inout DrillState, _ record: inout DrillRecord) async -> StepRecord {
        if let previous, previous.verdict != .pass {
            return StepRecord(id: step.id, title: step.title, verdict: .skipped, message: "skipped: \(previous.id) did not pass")
        }
        if let reason = drill.stopReason {
            return StepRecord(id: step.id, title: step.title, verdict: .skipped, message: "skipped: interrupted by \(reason)")
        }
        observer.stepStarted(id: step.id, title: step.title)
        let startedAt = Date()
        let clock = ContinuousClock.now
        var result = StepRecord(id: step.id, title: step.title, verdict: .pass, startedAt: startedAt)
        do {
            let outcome = try await step.run(drill, &state, &record)
            result.message = secrets.redact(outcome.message)
            result.evidence = outcome.evidence.map(secrets.redact)
        } catch let failure as StepFailure where drill.stopReason == nil {
            result.verdict = failure.verdict
            result.message = secrets.redact(failure.message)
            result.findings = failure.findings.map { finding in
                var redacted = finding
                redacted.detail = finding.detail.map(secrets.redact)
                return redacted
            }
        } catch let error where error is CancellationError || drill.stopReason != nil {
            result.verdict = .error
            result.message = "interrupted by \(interruption.current ?? "cancellation"): the step did not finish"
        } catch {
            result.verdict = .error
            result.message = secrets.redact("\(error)")
        }
        result.durationSeconds = (ContinuousClock.now - clock).seconds
        return result
    }

    /// Records a finished step.
    private func finish(_ step: StepRecord, _ record: inout DrillRecord, observed: Bool = true) {
        record.steps.append(step)
        if observed { observer.stepFinished(step) }
    }

    /// The checks run only on a database that restored, and not once the drill is stopping;
    /// otherwise each is recorded as skipped, with the reason. The RTO clock stops after them.
    private func runChecks(_ checks: any CheckPhase, _ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord,
                           restored: Bool, need: StepID) async {
        let pending = checks.pending(drill)
        let skipReason = drill.stopReason.map { "skipped: interrupted by \($0)" } ?? (restored ? nil : "skipped: the \(need) step did not pass")
        if let skipReason {
            record.checks = pending.map { check in
                var skipped = check
                skipped.message = skipReason
                observer.checkFinished(skipped)
                return skipped
            }
            return
        }
        let result = await checks.run(drill, state, pending)
        record.checks = result.checks
        record.schema = result.schema
        if drill.stopReason == nil { state.rtoEnd = ContinuousClock.now }
    }
}
