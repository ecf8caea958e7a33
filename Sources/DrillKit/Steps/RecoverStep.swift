/// Point-in-time recovery: the target replays the archive to the target and promotes; why it
/// did not is a finding.
struct RecoverStep: DrillStep {
    let id = StepID.restore
    let title = "Recover to the target"

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        guard case .recovery(let setup)? = state.backup else { throw StepFailure(.error, "nothing to recover") }
        let target = BackupFacts.describe(setup.target)
        let outcome: RecoveryOutcome
        do {
            outcome = try await drill.target.recover(setup)
        } catch let failure as RecoveryFailure {
            throw Self.stepFailure(failure, target: target)
        }
        state.recoveryOutcome = outcome
        state.dataCutoff = outcome.lastTransaction.map { ($0, "the last transaction recovery replayed") }
        guard let parameters = drill.target.connectionParameters(database: drill.scenario.environment.database.name) else {
            throw StepFailure(.error, "no address for the recovered database")
        }
        let (connection, _) = try await RestoredDatabase.connect(parameters, &record)
        state.connection = connection
        let last = outcome.lastTransaction.map { ISO8601.string(from: $0) } ?? "none replayed"
        return StepResult("recovered to \(target): \(CheckWording.count(Int64(outcome.segmentsReplayed), "WAL segment")) replayed in "
                          + "\(DurationText.format(outcome.replaySeconds)), last transaction \(last); promoted", [
            "WAL segments replayed: \(outcome.segmentsReplayed), the last \(outcome.lastRestoredSegment ?? "?")",
            "replay took \(DurationText.format(outcome.replaySeconds)) (server start to promotion)",
            outcome.stopLine.map { "PostgreSQL: \($0)" } ?? "PostgreSQL replayed to the end of the archive",
            "last transaction replayed: \(last) (pg_last_xact_replay_timestamp)",
        ])
    }

    /// Why recovery did not promote: a finding when the backup or archive is at fault.
    static func stepFailure(_ failure: RecoveryFailure, target: String) -> StepFailure {
        switch failure {
        case .targetUnreached(let last, let detail):
            StepFailure(finding: RestoreFindings.pitrTargetUnreached(target: target, lastSegment: last, detail: detail))
        case .segmentMissing(let segment, let later, let detail):
            StepFailure(finding: RestoreFindings.walSegmentMissing(segment: segment, laterSegments: later, detail: detail))
        case .targetBeforeConsistency(let detail):
            StepFailure(.error, "the target \(target) is before the base backup reached consistency: pick a later target_time. \(detail)")
        case .serverStopped(let detail):
            StepFailure(.error, "the recovering server stopped: \(detail)")
        }
    }
}
