/// Creates the throwaway target; the RTO clock starts here.
struct TargetStep: DrillStep {
    let id = StepID.target
    let title: String

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        guard let backup = state.backup else { throw StepFailure(.error, "no backup was prepared") }
        state.rtoStart = ContinuousClock.now
        let created = try await drill.target.create(for: backup, &record)
        state.connection = created.connection
        return created.result
    }
}
