import Foundation

/// `restore-drill history`: per scenario, every run with its verdict and objectives, the
/// trend against the last good run, and whether a passing drill is overdue. As terminal
/// text and as a Markdown summary that embeds each scenario's RTO/RPO chart.
public enum HistoryReport {
    public static func text(_ histories: [ScenarioHistory], asOf now: Date) -> String {
        guard !histories.isEmpty else { return "no drill records found\n" }
        var lines: [String] = []
        for history in histories {
            let cadence = history.cadenceSeconds.map { "cadence \(DurationText.formatCadence($0))" } ?? "no cadence set"
            lines.append("\(history.scenario)  (\(history.runs.count) run(s), \(cadence))")
            for run in history.runs {
                let record = run.record
                lines.append("  \(ISO8601.minute(record.startedAt))  \(record.verdict.label.padding(toLength: 7, withPad: " ", startingAt: 0))"
                    + "  RTO \(objective(record.rto))  RPO \(objective(record.rpo))"
                    + "  restore \(run.restoreSeconds.map(DurationText.format) ?? "-")  \(run.integrity)  \(record.runId)")
            }
            lines += history.trend.map { "  trend: \($0)" }
            lines.append("  \(overdueSentence(history.overdue(asOf: now), cadence: history.cadenceSeconds, now: now))")
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    public static func markdown(_ histories: [ScenarioHistory], asOf now: Date, chartFileName: (String) -> String) -> String {
        var blocks = [
            "# Restore drill history",
            "As of \(ISO8601.string(from: now, fractional: false)). Each run's verdict, its measured recovery time (RTO) and recovery point (RPO) against the objectives, and whether its signed record is intact.",
        ]
        guard !histories.isEmpty else { return (blocks + ["No drill records found."]).joined(separator: "\n\n") + "\n" }
        let summary = histories.map { history -> [String] in
            let latest = history.latest?.record
            let overdue = history.overdue(asOf: now)
            return [
                MarkdownText.code(history.scenario),
                String(history.runs.count),
                latest.map { "\(ISO8601.day($0.startedAt)) \(verdictText($0.verdict))" } ?? "none",
                history.lastPass.map { ISO8601.day($0.record.startedAt) } ?? "never",
                history.cadenceSeconds.map(DurationText.formatCadence) ?? "not set",
                statusWord(overdue),
                history.runs.allSatisfy(\.integrityIntact) ? "✔ all intact" : "✘ \(history.runs.filter { !$0.integrityIntact }.count) not intact",
            ]
        }
        blocks.append(MarkdownText.table(header: ["Scenario", "Runs", "Last run", "Last pass", "Cadence", "Status", "Signed records"], rows: summary))
        for history in histories {
            var section = ["## \(MarkdownText.inline(history.scenario))"]
            section.append("![RTO and RPO of \(MarkdownText.inline(history.scenario)) over time, against the objectives](\(MarkdownText.linkTarget(chartFileName(history.scenario))))")
            var facts = ["- \(overdueSentence(history.overdue(asOf: now), cadence: history.cadenceSeconds, now: now))"]
            facts += history.trend.map { "- Trend: \(MarkdownText.inline($0))" }
            section.append(facts.joined(separator: "\n"))
            let rows = history.runs.reversed().map { run -> [String] in
                let record = run.record
                return [
                    ISO8601.minute(record.startedAt),
                    verdictText(record.verdict),
                    objective(record.rto),
                    objective(record.rpo),
                    run.restoreSeconds.map(DurationText.format) ?? "—",
                    run.integrityIntact ? "✔ \(MarkdownText.inline(run.integrity))" : "✘ \(MarkdownText.inline(run.integrity))",
                    MarkdownText.code(run.fileName),
                ]
            }
            section.append(MarkdownText.table(header: ["Started (UTC)", "Verdict", "RTO", "RPO", "Restore", "Record", "File"], rows: rows))
            blocks.append(section.joined(separator: "\n\n"))
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// `9.20s of 1h ✔`; an objective not measured is never shown as met.
    static func objective(_ objective: ObjectiveRecord?) -> String {
        guard let objective else { return "not recorded" }
        if objective.notRecovered != nil, objective.measuredSeconds == nil { return "\(objective.measuredText) ✘ \(objective.verdict.label)" }
        guard objective.measuredSeconds != nil else { return "not measured (\(objective.verdict.label))" }
        return "\(objective.measuredText) of \(objective.targetText) \(objective.verdict == .pass ? "✔" : "✘ \(objective.verdict.label)")"
    }

    static func verdictText(_ verdict: Verdict) -> String { MarkdownReport.verdictText(verdict) }

    static func statusWord(_ overdue: ScenarioHistory.Overdue) -> String {
        switch overdue {
        case .noCadence: "no cadence"
        case .onTime: "✔ on time"
        case .overdue: "✘ OVERDUE"
        }
    }

    public static func overdueSentence(_ overdue: ScenarioHistory.Overdue, cadence: Double?, now: Date) -> String {
        switch overdue {
        case .noCadence:
            return "No cadence set (evidence.cadence in the scenario): an overdue drill cannot be called out."
        case .onTime(let due):
            return "On time: the next passing drill is due by \(ISO8601.day(due)) (cadence \(DurationText.formatCadence(cadence ?? 0)))."
        case .overdue(let lastPass):
            let cadenceText = DurationText.formatCadence(cadence ?? 0)
            guard let lastPass else {
                return "OVERDUE: no passing drill on record (cadence \(cadenceText)). The backups are unproven."
            }
            let days = Int(now.timeIntervalSince(lastPass) / 86400)
            return "OVERDUE: no passing drill since \(ISO8601.day(lastPass)) (\(days) days; cadence \(cadenceText)). Is the scheduled job still running?"
        }
    }
}
