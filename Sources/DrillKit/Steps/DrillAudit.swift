/// A rule over the whole drill, judged after the checks when the restore passed; it adds a
/// step record only when something is wrong.
protocol DrillAudit: Sendable {
    func problem(_ drill: DrillContext) -> StepRecord?
}

/// The scenario reference's two-sided proof of a point-in-time recovery: one check that
/// something written before the target is there, one that something written after it is not.
struct RecoveryAssertionsAudit: DrillAudit {
    static let unassertedRecovery = "recovery reached the target and nothing checked what the database then held"

    func problem(_ drill: DrillContext) -> StepRecord? {
        let asserted = drill.scenario.recoveryAssertions
        let missing = PITRAssertion.allCases.filter { !asserted.contains($0) }
        guard !missing.isEmpty else { return nil }
        return StepRecord(id: .pitrAssertions, title: "Check what the recovered database holds on both sides of the target", verdict: .error,
                          message: Self.unassertedRecovery + ": add a sql check with " + missing.map { "asserts: \($0.rawValue)" }.joined(separator: " and "))
    }
}
