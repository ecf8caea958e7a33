/// Refuses, before touching anything, what this version cannot carry out.
struct PlanStep: DrillStep {
    let id = StepID.plan
    let title = "Check that this host can run the scenario"

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        let checks = drill.scenario.checks
        let unsupported = checks.filter { makeCheck($0) == nil }
            .map { "\($0.path) at line \($0.location.line) (this check kind is not available yet)" }
        guard unsupported.isEmpty else {
            throw StepFailure(.error, "this version cannot carry out: " + unsupported.joined(separator: "; "))
        }
        return StepResult("\(drill.target.kind) target, \(checks.count) checks")
    }
}
