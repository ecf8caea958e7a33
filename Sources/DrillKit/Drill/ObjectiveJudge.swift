import Foundation

/// Measures RTO and RPO and judges them against the scenario's objectives.
enum ObjectiveJudge {
    static func judge(_ scenario: Scenario, _ state: DrillState, _ record: inout DrillRecord) {
        let objectives = scenario.objectives
        if let start = state.rtoStart, let end = state.rtoEnd {
            let seconds = (end - start).seconds
            record.rto = ObjectiveRecord(name: "RTO", targetSeconds: objectives.rtoSeconds, measuredSeconds: seconds,
                                         verdict: seconds <= objectives.rtoSeconds ? .pass : .fail,
                                         basis: "monotonic clock from the start of target creation to the end of the last check")
        } else {
            record.rto = ObjectiveRecord(name: "RTO", targetSeconds: objectives.rtoSeconds, measuredSeconds: nil, verdict: .skipped,
                                         basis: "not measured: the drill did not reach the end of its checks")
        }
        if case .pitr(let spec) = scenario.backup.source {
            record.rpo = recoveryRPO(spec, objective: objectives.rpoSeconds, state, record)
        } else if let data = record.checks.first(where: { $0.dataAsOf != nil && ($0.verdict == .pass || $0.verdict == .fail) })?.dataAsOf {
            // The data's own age, when a freshness check read it: a fresh file of stale data is stale.
            let seconds = record.startedAt.timeIntervalSince(data.at)
            record.rpo = ObjectiveRecord(name: "RPO", targetSeconds: objectives.rpoSeconds, measuredSeconds: seconds,
                                         verdict: seconds <= objectives.rpoSeconds ? .pass : .fail,
                                         basis: "drill start minus the newest data (\(data.column), \(ISO8601.string(from: data.at, fractional: false)))"
                                             + (record.backup?.createdAt.map { "; the dump was created \(ISO8601.string(from: $0, fractional: false))" } ?? ""))
        } else if let created = record.backup?.createdAt {
            let seconds = record.startedAt.timeIntervalSince(created)
            record.rpo = ObjectiveRecord(name: "RPO", targetSeconds: objectives.rpoSeconds, measuredSeconds: seconds,
                                         verdict: seconds <= objectives.rpoSeconds ? .pass : .fail,
                                         basis: "drill start minus the dump's creation time (\(record.backup?.createdAtSource ?? "?"))")
        } else {
            record.rpo = ObjectiveRecord(name: "RPO", targetSeconds: objectives.rpoSeconds, measuredSeconds: nil, verdict: .skipped,
                                         basis: "not measured: the dump's creation time is unknown")
        }
    }

    /// RPO of a recovery: the target (the simulated failure; for `latest`, the drill's start)
    /// minus the last transaction recovery applied.
    private static func recoveryRPO(_ spec: PITRSpec, objective: Double, _ state: DrillState, _ record: DrillRecord) -> ObjectiveRecord {
        let age = record.backup?.createdAt.map { "base backup taken \(ISO8601.string(from: $0, fractional: false)), \(DurationText.format(record.startedAt.timeIntervalSince($0))) before the drill" }
            ?? "base backup start unknown"
        guard let last = state.recoveryOutcome?.lastTransaction else {
            return ObjectiveRecord(name: "RPO", targetSeconds: objective, measuredSeconds: nil, verdict: .skipped,
                                   basis: "not measured: recovery did not finish, or replayed no transaction; \(age)")
        }
        let failure: Date
        switch spec.target {
        case .time(let date): failure = date
        case .latest: failure = record.startedAt
        }
        let seconds = max(0, failure.timeIntervalSince(last))
        return ObjectiveRecord(name: "RPO", targetSeconds: objective, measuredSeconds: seconds, verdict: seconds <= objective ? .pass : .fail,
                               basis: "the recovery target (the simulated failure"
                                   + (spec.target == .latest ? ": the drill's start" : "") + ") minus the last transaction recovered "
                                   + "(pg_last_xact_replay_timestamp); \(age)")
    }
}
