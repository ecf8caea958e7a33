/// The one-line outcome every report leads with: what did not pass, and the objectives.
public enum DrillHeadline {
    /// e.g. `1 of 7 checks failed, 1 could not run (ERROR); RTO met, RPO not met`.
    public static func outcome(of record: DrillRecord) -> String {
        var clauses = record.steps
            .filter { $0.verdict == .fail || $0.verdict == .error }
            .map { "step \($0.id) \($0.verdict == .fail ? "failed" : "could not run (ERROR)")" }
        clauses.append(checksClause(record.checks))
        clauses.append([objectiveClause(record.rto, name: "RTO"), objectiveClause(record.rpo, name: "RPO")]
            .joined(separator: ", "))
        if let teardown = record.teardown {
            if !teardown.leftovers.isEmpty {
                clauses.append("teardown left \(teardown.leftovers.count) thing(s) behind")
            } else if teardown.verdict == .fail {
                clauses.append("teardown failed")
            } else if teardown.verdict == .error {
                clauses.append("teardown could not complete (ERROR)")
            }
        }
        return clauses.joined(separator: "; ")
    }

    /// A line for the terminal at the end of a run:
    /// `FAIL sovecom-monthly (run 20260624T021500Z-ab12): 1 of 7 checks failed; RTO met, RPO not met [exit 1]`.
    public static func consoleLine(for record: DrillRecord) -> String {
        ControlCharacters.singleLine(
            "\(record.verdict.label) \(record.scenarioName) (run \(record.runId)): \(outcome(of: record)) [exit \(record.exitCode)]")
    }

    static func checksClause(_ checks: [CheckRecord]) -> String {
        let total = checks.count
        guard total > 0 else { return "no checks recorded" }
        let failed = checks.count(where: { $0.verdict == .fail })
        let errored = checks.count(where: { $0.verdict == .error })
        let firstBaselines = checks.count(where: { $0.verdict == .skipped && $0.nothingToCompare == true })
        let skipped = checks.count(where: { $0.verdict == .skipped }) - firstBaselines
        guard failed + errored + skipped + firstBaselines > 0 else {
            return total == 1 ? "the 1 check passed" : "all \(total) checks passed"
        }
        let nouns = total == 1 ? "check" : "checks"
        let parts = [(failed, "failed"), (errored, "could not run (ERROR)"), (skipped, "SKIPPED"),
                     (firstBaselines, "had no earlier drill to compare with (first baseline)")]
            .filter { $0.0 > 0 }
        return parts.enumerated().map { index, part in
            index == 0 ? "\(part.0) of \(total) \(nouns) \(part.1)" : "\(part.0) \(part.1)"
        }.joined(separator: ", ")
    }

    static func objectiveClause(_ objective: ObjectiveRecord?, name: String) -> String {
        guard let objective else { return "\(name) not recorded" }
        return "\(objective.name) \(objective.outcomeWords)"
    }
}
