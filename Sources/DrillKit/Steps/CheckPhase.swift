/// Runs the scenario's checks. Whether they run at all (the restore passed, nothing
/// interrupted the drill) is the runner's rule; a phase only carries them out.
protocol CheckPhase: Sendable {
    /// Each check's record before it runs: its id, kind and name, skipped.
    func pending(_ drill: DrillContext) -> [CheckRecord]
    /// The finished records, in the scenario's order, each reported to the observer as it ends.
    func run(_ drill: DrillContext, _ state: DrillState, _ pending: [CheckRecord]) async -> CheckPhaseResult
}

/// What a check phase hands back to the record.
struct CheckPhaseResult: Sendable {
    var checks: [CheckRecord]
    /// The restored catalog's structure, read before the checks ran; nil when it could not be read.
    var schema: SchemaFingerprint?
}
