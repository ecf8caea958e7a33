/// Runs the scenario's checks. Whether they run at all (the restore passed, nothing
/// interrupted the drill) is the runner's rule; a phase only carries them out.
protocol CheckPhase: Sendable {
    /// Each check's record before it runs: its id, kind and name, skipped.
    func pending(_ drill: DrillContext) -> [CheckRecord]
    /// The finished records, in the scenario's order, each reported to the observer as it ends.
    func run(_ drill: DrillContext, _ state: DrillState, _ pending: [CheckRecord]) async -> [CheckRecord]
}
