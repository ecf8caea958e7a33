import Foundation

/// The drill for an auditor reading it months later: the verdict first, then the
/// objectives, what each step and check did, what was restored, where, and proof the
/// throwaway target is gone. Prints only what the record holds; every piece of record
/// text is escaped so it reads back exactly as recorded.
public enum MarkdownReport {
    public static func render(_ record: DrillRecord, reference: RecordReference? = nil) -> String {
        [
            header(record),
            integrity(reference),
            objectives(record),
            steps(record, timeline: reference?.timelineFileName),
            checks(record),
            record.upgrade.map(MarkdownUpgrade.section),
            backup(record),
            environment(record),
            teardown(record),
        ].compactMap { $0 }.joined(separator: "\n\n") + "\n"
    }

    // MARK: - Verdict first

    static func header(_ record: DrillRecord) -> String {
        var lines = [
            "# \(record.upgrade == nil ? "Restore drill" : "Upgrade gate"): \(MarkdownText.inline(record.scenarioName))",
            "",
            "**Verdict: \(record.verdict.label)** — \(MarkdownText.inline(DrillHeadline.outcome(of: record)))",
        ]
        if !record.summary.isEmpty {
            lines += ["", "> \(MarkdownText.inline(record.summary))"]
        }
        var scenario = "- **Scenario:** \(MarkdownText.code(record.scenarioName))"
        if let description = record.scenarioDescription, !description.isEmpty {
            scenario += " — \(MarkdownText.inline(description))"
        }
        scenario += " (from \(MarkdownText.code(record.scenarioFile)))"
        lines += [
            "",
            "- **Run id:** \(MarkdownText.code(record.runId))",
            scenario,
            "- **Started (UTC):** \(ISO8601.string(from: record.startedAt))",
            "- **Finished (UTC):** \(record.finishedAt.map { ISO8601.string(from: $0) } ?? "not recorded")",
        ]
        if let finishedAt = record.finishedAt {
            lines.append("- **Wall-clock duration:** \(DurationText.format(finishedAt.timeIntervalSince(record.startedAt)))")
        }
        lines.append("- **Exit code:** \(record.exitCode) — \(exitCodeMeaning(record.exitCode))")
        if let controls = record.controls, !controls.isEmpty {
            lines.append("- **Controls evidenced:** \(controls.map(MarkdownText.inline).joined(separator: ", "))")
        }
        if let cadence = record.cadenceSeconds {
            lines.append("- **Cadence:** a passing drill is due every \(DurationText.formatCadence(cadence))")
        }
        return lines.joined(separator: "\n")
    }

    /// The exit-code contract from the scenario documentation, in words.
    static func exitCodeMeaning(_ code: Int32) -> String {
        switch code {
        case 0: "every check passed and both objectives were met"
        case 1: "the drill ran and something failed"
        case 2: "the drill could not be carried out (or a check could not run)"
        default: "not an exit code restore-drill defines"
        }
    }

    /// `✔ PASS`, `✘ FAIL`, `! ERROR`, `- SKIPPED`: the word is always there.
    static func verdictText(_ verdict: Verdict) -> String {
        "\(verdict.symbol) \(verdict.label)"
    }

    // MARK: - Objectives

    static func objectives(_ record: DrillRecord) -> String {
        var lines = ["## Recovery objectives", ""]
        if let tier = record.tier {
            lines += ["Tier: \(MarkdownText.code(tier)).", ""]
        }
        let rows = [(record.rto, "RTO", "recovery time"), (record.rpo, "RPO", "recovery point")].map { objective, name, meaning in
            let label = "\(name) (\(meaning))"
            guard let objective else {
                return [label, "not recorded", "not recorded", "NOT RECORDED", "the drill did not record this objective"]
            }
            return [
                label,
                objective.targetText,
                objective.measuredText,
                objective.verdict == .pass || objective.verdict == .fail
                    ? "\(verdictText(objective.verdict)) (\(objective.outcomeWords))"
                    : verdictText(objective.verdict),
                MarkdownText.inline(objective.basis),
            ]
        }
        lines.append(MarkdownText.table(header: ["Objective", "Target", "Measured", "Verdict", "How measured"], rows: rows))
        return lines.joined(separator: "\n")
    }

    // MARK: - Steps

    // MARK: - Tie to the signed record

    /// The record's hash, so this page can be tied to the signed JSON it was rendered with.
    static func integrity(_ reference: RecordReference?) -> String {
        guard let reference else {
            return "## Evidence record\n\nNo JSON record was written with this report: it cannot be tied to signed evidence."
        }
        var lines = [
            "## Evidence record",
            "",
            "- **Record:** \(MarkdownText.code(reference.fileName))",
            "- **Record SHA-256:** \(MarkdownText.code(reference.sha256))",
        ]
        if let sequence = reference.sequence {
            lines.append("- **Place in this scenario's chain:** \(sequence)")
        }
        if let signer = reference.signerKeyID {
            lines.append("- **Signed:** Ed25519, key \(MarkdownText.code(signer)); check with `restore-drill verify-report` and the key's `.pub.pem`")
        } else {
            lines.append("- **Signed:** NO — the drill ran without a signing key, so this record is not tamper-evident")
        }
        return lines.joined(separator: "\n")
    }

    static func steps(_ record: DrillRecord, timeline: String? = nil) -> String {
        guard !record.steps.isEmpty else { return "## Steps\n\nNo steps were recorded." }
        let rows = record.steps.map { step in
            [
                "\(MarkdownText.code(step.id.rawValue)) \(MarkdownText.inline(step.title))",
                verdictText(step.verdict),
                DurationText.format(step.durationSeconds),
                MarkdownText.inline(step.message ?? ""),
            ]
        }
        var blocks = ["## Steps"]
        if let timeline {
            blocks.append("![Step timeline: each step's start and duration, coloured by verdict](\(MarkdownText.linkTarget(timeline)))")
        }
        blocks.append(MarkdownText.table(header: ["Step", "Verdict", "Duration", "Message"], rows: rows))

        let findings = record.steps.flatMap { step in step.findings.map { (step, $0) } }
        if !findings.isEmpty {
            blocks.append("### Findings")
            blocks += findings.map { step, finding in findingBlock(finding, in: step) }
        }
        let withEvidence = record.steps.filter { !$0.evidence.isEmpty }
        if !withEvidence.isEmpty {
            blocks.append("### Step evidence")
            blocks.append(withEvidence.flatMap { step in
                step.evidence.map { "- \(MarkdownText.code(step.id.rawValue)): \(MarkdownText.inline($0))" }
            }.joined(separator: "\n"))
        }
        return blocks.joined(separator: "\n\n")
    }

    static func findingBlock(_ finding: Finding, in step: StepRecord) -> String {
        var parts = [
            "#### \(MarkdownText.code(step.id.rawValue)): \(MarkdownText.code(finding.code)) — \(MarkdownText.inline(finding.title))",
            MarkdownText.inline(finding.explanation),
        ]
        if let detail = finding.detail, !detail.isEmpty {
            parts += ["The tool's own words:", MarkdownText.fencedBlock(detail)]
        }
        return parts.joined(separator: "\n\n")
    }

    // MARK: - Checks

    static func checks(_ record: DrillRecord) -> String {
        guard !record.checks.isEmpty else { return "## Checks\n\nNo checks were recorded." }
        let rows = record.checks.map { check in
            [
                MarkdownText.code(check.id),
                MarkdownText.inline(check.name),
                verdictText(check.verdict),
                DurationText.format(check.durationSeconds),
                MarkdownText.inline(check.message ?? ""),
            ]
        }
        var blocks = [
            "## Checks",
            MarkdownText.table(header: ["Check", "Name", "Verdict", "Duration", "Message"], rows: rows),
        ]
        blocks += record.checks.compactMap { checkDetail($0, scenarioFile: record.scenarioFile) }
        return blocks.joined(separator: "\n\n")
    }

    /// What one check compared, as expected vs actual; nil when it recorded nothing more
    /// than its table row.
    static func checkDetail(_ check: CheckRecord, scenarioFile: String) -> String? {
        guard !check.observations.isEmpty || !check.queries.isEmpty || check.line != nil else { return nil }
        var parts = ["### \(MarkdownText.code(check.id)) \(MarkdownText.inline(check.name)) — \(check.verdict.label)"]
        if let line = check.line {
            parts.append("Defined at \(MarkdownText.code("\(scenarioFile):\(line)")).")
        }
        if !check.observations.isEmpty {
            let rows = check.observations.map { observation in
                [
                    MarkdownText.inline(observation.subject),
                    MarkdownText.inline(observation.expected),
                    MarkdownText.inline(observation.actual),
                    observation.ok ? "✔ ok" : "✘ MISMATCH",
                ]
            }
            parts.append(MarkdownText.table(header: ["Subject", "Expected", "Actual", "Result"], rows: rows))
        }
        if !check.queries.isEmpty {
            parts += ["Queries sent:", MarkdownText.fencedBlock(check.queries.joined(separator: "\n\n"), language: "sql")]
        }
        return parts.joined(separator: "\n\n")
    }

    // MARK: - What was restored, and where

    static func backup(_ record: DrillRecord) -> String {
        guard let backup = record.backup else {
            return "## Backup\n\nNo backup identity was recorded: the drill did not get far enough to inspect the dump."
        }
        let notRecorded = "not recorded"
        var sha256 = backup.sha256.map(MarkdownText.code) ?? notRecorded
        if let status = backup.sha256Status { sha256 += " — \(MarkdownText.inline(status))" }
        var createdAt = backup.createdAt.map { ISO8601.string(from: $0) } ?? notRecorded
        if let source = backup.createdAtSource { createdAt += " (from \(MarkdownText.inline(source)))" }
        var manifest = backup.manifestPath.map(MarkdownText.code) ?? "none"
        if let takenAt = backup.manifestTakenAt { manifest += ", taken at \(ISO8601.string(from: takenAt))" }
        // A SQLite file has no pg_dump, archive format or table of contents to speak of.
        let dumpRows = ["pg_dump version", "Archive version", "Compression", "TOC entries", "Restored schema"]
        let rows: [[String]] = [
            ["Path", MarkdownText.code(backup.path)],
            ["Format", backup.format.map(MarkdownText.inline) ?? notRecorded],
            ["Size", backup.sizeBytes.map { "\(SizeText.format($0)) (\($0) bytes)" } ?? notRecorded],
            ["SHA-256", sha256],
            ["Created at (UTC)", createdAt],
            ["Source database", backup.sourceDatabase.map(MarkdownText.inline) ?? notRecorded],
            ["Source server version", backup.sourceServerVersion.map(MarkdownText.inline) ?? notRecorded],
            ["pg_dump version", backup.pgDumpVersion.map(MarkdownText.inline) ?? notRecorded],
            ["Archive version", backup.archiveVersion.map(MarkdownText.inline) ?? notRecorded],
            ["Compression", backup.compression.map(MarkdownText.inline) ?? notRecorded],
            ["TOC entries", backup.tocEntries.map { String($0) } ?? notRecorded],
            ["Manifest", manifest],
            ["Restored schema", record.schema.map { "\($0.counts), fingerprint \(MarkdownText.code(String($0.sha256.prefix(16))))" } ?? notRecorded],
        ].filter { backup.format?.hasPrefix("sqlite") != true || !dumpRows.contains($0[0]) }
        return "## Backup\n\n" + MarkdownText.table(header: ["Field", "Value"], rows: rows)
    }

    static func environment(_ record: DrillRecord) -> String {
        guard let facts = record.environment else {
            return "## Environment\n\nNo environment facts were recorded."
        }
        let notRecorded = "not recorded"
        let rows: [[String]] = [
            ["Target kind", MarkdownText.inline(facts.targetKind)],
            ["Host", MarkdownText.inline(facts.host)],
            ["Operating system", MarkdownText.inline(facts.operatingSystem)],
            ["restore-drill version", MarkdownText.inline(facts.harnessVersion)],
            ["Target server version", facts.serverVersion.map(MarkdownText.inline) ?? notRecorded],
            ["Restore tool version", facts.restoreToolVersion.map(MarkdownText.inline) ?? notRecorded],
            ["Run as user", facts.runAsUser.map(MarkdownText.inline) ?? notRecorded],
        ]
        return "## Environment\n\n" + MarkdownText.table(header: ["Fact", "Value"], rows: rows)
    }

    // MARK: - Teardown

    static func teardown(_ record: DrillRecord) -> String {
        guard let teardown = record.teardown else {
            return "## Teardown\n\n**No teardown evidence was recorded**: it cannot be shown that the throwaway target was removed."
        }
        var blocks = ["## Teardown", teardownStatement(teardown)]
        blocks.append([
            "- **Verdict:** \(verdictText(teardown.verdict))",
            "- **Triggered by:** \(MarkdownText.inline(teardown.trigger))",
            "- **Duration:** \(DurationText.format(teardown.durationSeconds))",
        ].joined(separator: "\n"))
        if !teardown.actions.isEmpty {
            blocks.append("Actions taken:\n\n" + teardown.actions.map { "- \(MarkdownText.inline($0))" }.joined(separator: "\n"))
        }
        if !teardown.leftovers.isEmpty {
            blocks.append("Still present after teardown:\n\n"
                + teardown.leftovers.map { "- \(MarkdownText.inline($0))" }.joined(separator: "\n"))
        }
        return blocks.joined(separator: "\n\n")
    }

    /// "Nothing left behind" is a claim, so it is made only when teardown passed and the
    /// post-teardown check found nothing.
    static func teardownStatement(_ teardown: TeardownRecord) -> String {
        if !teardown.leftovers.isEmpty {
            return "**Something was left behind** (\(teardown.leftovers.count) item(s) below): remove it by hand or with `restore-drill gc`."
        }
        switch teardown.verdict {
        case .pass:
            return "**Nothing left behind**: the post-teardown check found no trace of the throwaway target."
        case .fail:
            return "**Teardown FAILED**: it cannot be shown that the throwaway target was removed."
        case .error:
            return "**Teardown ERROR**: teardown could not complete; the throwaway target may still exist."
        case .skipped:
            return "**Teardown SKIPPED**: it cannot be shown that the throwaway target was removed."
        }
    }
}
