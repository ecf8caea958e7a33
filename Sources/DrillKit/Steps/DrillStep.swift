/// What a step that passed hands back: one line for the console and the reports, and the
/// facts worth keeping. A step that does not pass throws (`StepFailure` for a verdict).
struct StepResult: Sendable {
    var message: String
    var evidence: [String]

    init(_ message: String, _ evidence: [String] = []) {
        self.message = message
        self.evidence = evidence
    }
}

/// One step of a drill (README, "Where things go"). The runner times it, skips it when the
/// step before it did not pass, and turns what it throws into a verdict; the step only does
/// its work. Adding a step is a new type and its place in `DrillPipeline.standard`.
protocol DrillStep: Sendable {
    var id: StepID { get }
    var title: String { get }
    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult
}
