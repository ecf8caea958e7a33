/// Restores the dump into the throwaway database with the target's tools and judges the result.
struct RestoreDumpStep: DrillStep {
    let id = StepID.restore
    let title = "Restore the dump"

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        guard case .dump(var dump)? = state.backup, let connection = state.connection else {
            throw StepFailure(.error, "nothing to restore")
        }
        let ready = try await drill.target.restoreTools(for: dump, &record)
        dump.inspection = ready.inspection
        state.backup = .dump(dump)
        let restorer = Restorer(inspection: ready.inspection, jobs: dump.spec.jobs.resolved, database: drill.scenario.environment.database.name,
                                tools: ready.tools, secrets: drill.secrets)
        let observer = drill.observer
        let outcome = try await restorer.run(connection: connection) { done, total in
            observer.progress(stepId: .restore, text: total.map { "\(done)/\($0) items" } ?? "\(done) items")
        }
        guard outcome.verdict == .pass else { throw StepFailure(outcome.verdict, outcome.message, findings: outcome.findings) }
        return StepResult(outcome.message, ready.evidence + outcome.evidence)
    }
}
