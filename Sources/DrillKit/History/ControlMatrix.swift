import Foundation

/// `restore-drill controls`: the reports folder turned into what an auditor asks for —
/// per control, every drill that evidences it, with verdict, measured RTO/RPO and whether
/// the signed record is intact.
public enum ControlMatrix {
    /// What the common frameworks' backup-testing controls ask, so the matrix reads on its
    /// own. Matched loosely (`ISO27001 A.8.13` = `ISO 27001 A.8.13`); other ids show as written.
    static let known: [String: String] = [
        "ISO27001A813": "ISO/IEC 27001:2022 A.8.13 Information backup: backup copies maintained and regularly tested",
        "ISO27001A1231": "ISO/IEC 27001:2013 A.12.3.1 Information backup: backup copies taken and tested regularly",
        "SOC2A13": "SOC 2 A1.3: recovery plan procedures, including integrity and completeness of back-up data, are tested",
        "SOC2CC91": "SOC 2 CC9.1: risk mitigation activities for potential business disruptions",
        "PCIDSS12102": "PCI DSS 4.0 12.10.2: the incident response plan, including recovery, is reviewed and tested at least once every 12 months",
        "NISTCP4": "NIST SP 800-53 CP-4: contingency plan testing",
        "NISTCP9": "NIST SP 800-53 CP-9: system backup, including testing for reliability and integrity",
    ]

    static func key(_ control: String) -> String {
        control.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    public static func describe(_ control: String) -> String? { known[key(control)] }

    public struct Row: Sendable {
        public var control: String
        public var runs: [ScenarioHistory.Run]
    }

    public static func rows(_ histories: [ScenarioHistory], from start: Date? = nil, to end: Date? = nil) -> [Row] {
        var byControl: [String: (name: String, runs: [ScenarioHistory.Run])] = [:]
        for run in histories.flatMap(\.runs) {
            let started = run.record.startedAt
            if let start, started < start { continue }
            if let end, started > end { continue }
            for control in run.record.controls ?? [] {
                byControl[key(control), default: (control, [])].runs.append(run)
            }
        }
        return byControl.values
            .map { Row(control: $0.name, runs: $0.runs.sorted { $0.record.startedAt < $1.record.startedAt }) }
            .sorted { $0.control < $1.control }
    }

    public static func markdown(_ histories: [ScenarioHistory], from start: Date? = nil, to end: Date? = nil, generatedAt now: Date) -> String {
        let rows = rows(histories, from: start, to: end)
        let period = "\(start.map { ISO8601.day($0) } ?? "the first record") to \(end.map { ISO8601.day($0) } ?? "the last record")"
        var blocks = [
            "# Restore drill evidence by control",
            "Generated \(ISO8601.string(from: now, fractional: false)) from the signed drill records; period: \(period). "
                + "A run counts as evidence only when it passed and its record is intact (signed, unchanged, chain unbroken).",
        ]
        guard !rows.isEmpty else {
            blocks.append("No drill in this period names a control. List them in each scenario under `evidence.controls`.")
            return blocks.joined(separator: "\n\n") + "\n"
        }
        let summary = rows.map { row -> [String] in
            let evidencing = row.runs.filter { $0.record.verdict == .pass && $0.integrityIntact }
            let scenarios = Set(row.runs.map(\.record.scenarioName)).sorted().map(MarkdownText.code).joined(separator: ", ")
            return [
                "**\(MarkdownText.inline(row.control))**" + (describe(row.control).map { "<br>\(MarkdownText.inline($0))" } ?? ""),
                scenarios,
                String(row.runs.count),
                "\(evidencing.count) of \(row.runs.count)",
                evidencing.last.map { ISO8601.day($0.record.startedAt) } ?? "none",
                row.runs.last.map { HistoryReport.verdictText($0.record.verdict) } ?? "—",
                row.runs.allSatisfy(\.integrityIntact) ? "✔ all intact" : "✘ \(row.runs.filter { !$0.integrityIntact }.count) not intact",
            ]
        }
        blocks.append(MarkdownText.table(header: ["Control", "Scenarios", "Runs", "Passed with intact record", "Last evidence", "Latest verdict", "Records"], rows: summary))
        for row in rows {
            let runs = row.runs.reversed().map { run -> [String] in
                let record = run.record
                return [
                    ISO8601.minute(record.startedAt),
                    MarkdownText.code(record.scenarioName),
                    HistoryReport.verdictText(record.verdict),
                    HistoryReport.objective(record.rto),
                    HistoryReport.objective(record.rpo),
                    "\(run.integrityIntact ? "✔" : "✘") \(MarkdownText.inline(run.integrity))",
                    MarkdownText.code(run.fileName),
                ]
            }
            blocks.append("## \(MarkdownText.inline(row.control))\n\n"
                + MarkdownText.table(header: ["Started (UTC)", "Scenario", "Verdict", "RTO", "RPO", "Record", "File"], rows: runs))
        }
        let unmapped = histories.filter { history in history.runs.allSatisfy { ($0.record.controls ?? []).isEmpty } }.map(\.scenario)
        if !unmapped.isEmpty {
            blocks.append("Scenarios whose drills name no control: \(unmapped.map(MarkdownText.code).joined(separator: ", ")).")
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }
}
