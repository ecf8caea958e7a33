/// How a whole drill is judged from its parts (README, "Exit codes"):
/// anything that could not run makes the drill an error; anything wrong makes it a failure;
/// only a drill where every step and check passed and both objectives were met passes.
public enum DrillVerdict {
    public static func judge(_ record: DrillRecord) -> (verdict: Verdict, exitCode: Int32) {
        let work = record.steps.map(\.verdict) + record.checks.map(\.verdict) + [record.teardown?.verdict].compactMap { $0 }
        let objectives = [record.rto?.verdict, record.rpo?.verdict].compactMap { $0 }
        if (work + objectives).contains(.error) { return (.error, 2) }
        if work.contains(.fail) { return (.fail, 1) }
        // A drill that verified nothing proves nothing, whatever its objectives say.
        guard record.checks.contains(where: { $0.verdict == .pass }) else { return (.error, 2) }
        if objectives.contains(.fail) { return (.fail, 1) }
        // An objective that could not be measured proves nothing either.
        guard record.rto?.verdict == .pass, record.rpo?.verdict == .pass else { return (.error, 2) }
        return (.pass, 0)
    }

    /// One sentence an operator reads first.
    public static func summary(_ record: DrillRecord, interruption: String?) -> String {
        if let interruption {
            let step = record.steps.first { $0.verdict == .error }?.id ?? "the drill"
            return "Interrupted by \(interruption) during \(step); the throwaway target was torn down."
        }
        if let step = record.steps.first(where: { $0.verdict == .error || $0.verdict == .fail }) {
            let word = step.verdict == .error ? "could not be carried out" : "failed"
            return "The \(step.id) step \(word): \(step.message.map(QuotedOutput.sentence) ?? step.title)."
        }
        let checks = record.checks
        let failed = checks.filter { $0.verdict == .fail }
        let errored = checks.filter { $0.verdict == .error }
        var parts: [String] = []
        if !errored.isEmpty {
            parts.append("\(errored.count) of \(checks.count) checks could not run (\(errored[0].id): \(errored[0].message ?? "error"))")
        }
        if !failed.isEmpty {
            parts.append("\(failed.count) of \(checks.count) checks failed (\(failed[0].id): \(failed[0].message ?? "failed"))")
        }
        let firstBaselines = checks.filter { $0.verdict == .skipped && $0.nothingToCompare == true }
        if parts.isEmpty, !firstBaselines.isEmpty {
            let kinds = firstBaselines.map(\.kind).joined(separator: ", ")
            parts.append("\(checks.count - firstBaselines.count) of \(checks.count) checks passed and \(firstBaselines.count) had no earlier drill "
                         + "to compare with (\(kinds))" + (record.verdict == .pass ? ": this drill is their first baseline" : ""))
        }
        if parts.isEmpty { parts.append("All \(checks.count) checks passed") }
        for objective in [record.rto, record.rpo].compactMap({ $0 }) {
            if objective.notRecovered != nil {
                parts.append("\(objective.name) not met (the drill did not recover)")
                continue
            }
            let measured = objective.measuredText
            let relation = objective.verdict == .pass ? "within" : (objective.verdict == .fail ? "over" : "against")
            parts.append("\(objective.name) \(measured) \(relation) \(DurationText.formatObjective(objective.targetSeconds))")
        }
        if let back = record.upgrade?.rollback, back.verdict == .pass, let rto = back.rtoSeconds {
            parts.append("the way back rehearsed in \(DurationText.format(rto))")
        }
        if let teardown = record.teardown, !teardown.leftovers.isEmpty {
            parts.append("teardown left \(teardown.leftovers.joined(separator: "; "))")
        }
        return parts.joined(separator: "; ") + "."
    }
}
