import Foundation
@testable import DrillKit

/// A step that does what it is told. The prepare one leaves a backup for the real target
/// step, and the restore one nothing, as the real ones would on success.
struct ScriptedStep: DrillStep {
    let id: StepID
    let title: String
    let behavior: ScriptedBehavior

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        try await behavior.act(drill.interruption)
        if id == .prepare {
            var identity = BackupIdentity(path: "/fake/shop.dump")
            identity.createdAt = Date()
            record.backup = identity
            state.backup = .dump(PreparedDump(spec: DumpSpec(path: "/fake/shop.dump"), path: "/fake/shop.dump", sha256: "0",
                                              inspection: ArchiveInspection(format: .custom)))
        }
        return StepResult("\(id) done")
    }
}

/// Checks with set verdicts; `behavior` runs first (an interruption during the checks).
struct ScriptedChecks: CheckPhase {
    let verdicts: [Verdict]
    var behavior: ScriptedBehavior = .pass

    func pending(_ drill: DrillContext) -> [CheckRecord] {
        verdicts.indices.map { CheckRecord(id: "checks[\($0)].sql", kind: "sql", name: "scripted", verdict: .skipped) }
    }

    func run(_ drill: DrillContext, _ state: DrillState, _ pending: [CheckRecord]) async -> CheckPhaseResult {
        var interrupted = false
        do { try await behavior.act(drill.interruption) } catch { interrupted = true }
        return CheckPhaseResult(checks: zip(pending, verdicts).map { check, verdict in
            var done = check
            done.verdict = interrupted ? .error : verdict
            done.message = interrupted ? "interrupted" : "scripted \(verdict.rawValue)"
            drill.observer.checkFinished(done)
            return done
        })
    }
}

/// Everything the observer was told, in order.
final class RecordingObserver: DrillObserver {
    let events = Mutex<[String]>([])
    func drillStarted(scenario: Scenario, runId: String) { events.withLock { $0.append("drill started") } }
    func stepStarted(id: StepID, title: String) { events.withLock { $0.append("start \(id)") } }
    func progress(stepId: StepID, text: String) {}
    func stepFinished(_ step: StepRecord) { events.withLock { $0.append("\(step.id) \(step.verdict.rawValue)") } }
    func checkFinished(_ check: CheckRecord) { events.withLock { $0.append("\(check.id) \(check.verdict.rawValue)") } }
    func drillFinished(_ record: DrillRecord) { events.withLock { $0.append("drill \(record.verdict.rawValue)") } }
}
