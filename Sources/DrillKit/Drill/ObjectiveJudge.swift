import Foundation

/// Measures RTO and RPO and judges them against the scenario's objectives.
enum ObjectiveJudge {
    /// Why the drill did not recover, or nil when it did: every step passed, and every check ran and passed.
    static func recoveryProblem(_ record: DrillRecord) -> String? {
        if let step = record.steps.first(where: { $0.verdict != .pass }) {
            let how = switch step.verdict {
            case .fail: "failed"
            case .error: "could not be carried out"
            case .pass, .skipped: "was skipped"
            }
            return "the \(step.id) step \(how)"
        }
        guard !record.checks.isEmpty else { return "no check ran" }
        guard record.checks.contains(where: { $0.verdict != .pass && $0.nothingToCompare != true }) else { return nil }
        return DrillHeadline.checksClause(record.checks)
    }

    /// An objective is met only by a drill that recovered: a drill whose restore, key, app or
    /// a check failed or could not run has its RTO not met, with how long it ran, and its RPO
    /// not met whatever the backup's age.
    static func judge(_ scenario: Scenario, _ state: DrillState, _ record: inout DrillRecord) {
        let objectives = scenario.objectives
        let problem = recoveryProblem(record)
        if let problem {
            let ran = state.rtoStart.map { ((state.rtoEnd ?? state.stoppedAt ?? ContinuousClock.now) - $0).seconds }
            record.rto = ObjectiveRecord(name: "RTO", targetSeconds: objectives.rtoSeconds, measuredSeconds: nil, verdict: .fail,
                                         basis: "not met: the drill did not recover (\(problem)); "
                                             + (ran.map { "it ran \(DurationText.format($0)) from the start of target creation until it stopped" }
                                                ?? "it stopped before the RTO clock started (no target was created)"),
                                         notRecovered: problem, ranSeconds: ran)
        } else if let start = state.rtoStart, let end = state.rtoEnd {
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
                                         basis: "drill start minus the \(record.backup?.format?.hasPrefix("sqlite") == true ? "backup" : "dump")'s creation time (\(record.backup?.createdAtSource ?? "?"))")
        } else {
            record.rpo = ObjectiveRecord(name: "RPO", targetSeconds: objectives.rpoSeconds, measuredSeconds: nil, verdict: .skipped,
                                         basis: "not measured: the \(record.backup?.format?.hasPrefix("sqlite") == true ? "backup" : "dump")'s creation time is unknown")
        }
        if let problem, var rpo = record.rpo, rpo.measuredSeconds != nil {
            rpo.verdict = .fail
            rpo.notRecovered = problem
            rpo.basis = "not met: the drill did not recover (\(problem)); " + rpo.basis
            record.rpo = rpo
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
