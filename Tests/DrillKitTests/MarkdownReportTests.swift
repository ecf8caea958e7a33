import Foundation
import Testing
@testable import DrillKit

@Suite struct MarkdownReportTests {
    private func lines(_ markdown: String) -> [String] {
        markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The rows of the table that follows a header row starting with `header`.
    private func table(after header: String, in markdown: String) throws -> [String] {
        let all = lines(markdown)
        let start = try #require(all.firstIndex { $0.hasPrefix(header) })
        return Array(all[start...].prefix { $0.hasPrefix("|") })
    }

    /// Pipes that split cells: those not escaped by an odd run of backslashes.
    private func cellSeparators(in row: String) -> Int {
        var count = 0, backslashes = 0
        for character in row {
            if character == "|", backslashes % 2 == 0 { count += 1 }
            backslashes = character == "\\" ? backslashes + 1 : 0
        }
        return count
    }

    @Test func verdictComesBeforeAnyTable() throws {
        let markdown = MarkdownReport.render(ReportFixtures.mixedDrill())
        let all = lines(markdown)
        #expect(all.first == "# Restore drill: sovecom-monthly")
        let verdict = try #require(all.firstIndex { $0.hasPrefix("**Verdict: ERROR**") })
        let firstTable = try #require(all.firstIndex { $0.hasPrefix("|") })
        #expect(verdict < firstTable)
        #expect(all[verdict] == "**Verdict: ERROR** — 1 of 7 checks failed, 1 could not run (ERROR), 1 SKIPPED; RTO met, RPO not met")
        #expect(markdown.contains("- **Run id:** `20260624T021500Z-cd34`"))
        #expect(markdown.contains("- **Started (UTC):** 2026-06-24T02:15:00.000Z"))
        #expect(markdown.contains("- **Exit code:** 2 — "))
    }

    @Test func passingVerdictLine() {
        let markdown = MarkdownReport.render(ReportFixtures.passingDrill())
        #expect(markdown.contains("**Verdict: PASS** — all 3 checks passed; RTO met, RPO met"))
        #expect(!markdown.contains("FAIL") && !markdown.contains("ERROR") && !markdown.contains("SKIPPED"))
    }

    @Test func errorAndSkippedChecksAreNeverShownAsPass() throws {
        let rows = try table(after: "| Check |", in: MarkdownReport.render(ReportFixtures.mixedDrill()))
        let errored = try #require(rows.first { $0.contains("checks[2].invoice_sequence") })
        #expect(errored.contains("ERROR") && !errored.contains("PASS"))
        let skipped = try #require(rows.first { $0.contains("checks[3].totp_login") })
        #expect(skipped.contains("SKIPPED") && !skipped.contains("PASS"))
        let failed = try #require(rows.first { $0.contains("checks[1].money") })
        #expect(failed.contains("FAIL") && !failed.contains("PASS"))
    }

    @Test func objectivesTableShowsTargetMeasuredVerdictAndBasis() throws {
        let rows = try table(after: "| Objective |", in: MarkdownReport.render(ReportFixtures.mixedDrill()))
        #expect(rows.count == 4)
        #expect(rows[2] == "| RTO (recovery time) | 1h | 4m 05s | ✔ PASS (met) | monotonic clock from target creation to the end of the last check |")
        #expect(rows[3].hasPrefix("| RPO (recovery point) | 1h | 1d 02h | ✘ FAIL (not met) |"))

        let unmeasured = try table(after: "| Objective |", in: MarkdownReport.render(ReportFixtures.restoreErroredDrill()))
        #expect(unmeasured[2].contains("not measured") && unmeasured[2].contains("ERROR"))
        #expect(!unmeasured.joined().contains("PASS"))
    }

    @Test func observationsShowExpectedVersusActual() throws {
        let markdown = MarkdownReport.render(ReportFixtures.mixedDrill())
        #expect(markdown.contains("### `checks[1].money` money totals match — FAIL"))
        #expect(markdown.contains("| orders.total_cents EUR | 1234500 | 1230000 | ✘ MISMATCH |"))
        #expect(markdown.contains("Defined at `Scenarios/sovecom-monthly.yml:44`."))
        #expect(markdown.contains("```sql\nSELECT currency, sum(total_cents) FROM orders GROUP BY currency\n```"))
    }

    @Test func findingsExplainAndQuoteTheTool() {
        let markdown = MarkdownReport.render(ReportFixtures.restoreErroredDrill())
        #expect(markdown.contains("#### `restore`: `archive-truncated` — The dump file ends early"))
        #expect(markdown.contains("The backup was cut off while it was written or copied."))
        // The detail holds a triple backtick, so the fence must be longer.
        #expect(markdown.contains("````text\npg_restore: error: could not read input file: end of file\n```not a fence```\n````"))
    }

    @Test func pipesAndNewlinesStayInsideTheirCells() throws {
        let markdown = MarkdownReport.render(ReportFixtures.hostileDrill())
        for header in ["| Check |", "| Step |", "| Subject |"] {
            let rows = try table(after: header, in: markdown)
            let columns = cellSeparators(in: rows[0])
            #expect(rows.allSatisfy { cellSeparators(in: $0) == columns }, "\(header) rows: \(rows)")
        }
        let checkRows = try table(after: "| Check |", in: markdown)
        #expect(checkRows.count == 2 + 7)
        #expect(!markdown.contains("<script>"))
        #expect(!lines(markdown).contains("# not a heading"))
        #expect(!markdown.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test func backupIdentityAndEnvironmentAreListed() {
        let markdown = MarkdownReport.render(ReportFixtures.passingDrill())
        #expect(markdown.contains("| Path | `/var/backups/sovecom/db-20260624T021500Z.dump` |"))
        #expect(markdown.contains("| SHA-256 | `\(ReportFixtures.backup().sha256!)` — matches sha256_file |"))
        #expect(markdown.contains("| Created at (UTC) | 2026-06-24T00:15:00.000Z (from archive header) |"))
        #expect(markdown.contains("| Size | 12.0 MiB (12582912 bytes) |"))
        #expect(markdown.contains("| TOC entries | 212 |"))
        #expect(markdown.contains("| Source server version | 16.3 |"))
        #expect(markdown.contains("| Restore tool version | pg_restore (PostgreSQL) 16.3 |"))
    }

    @Test func nothingLeftBehindOnlyWhenTeardownPassedCleanly() {
        let claim = "Nothing left behind"
        #expect(MarkdownReport.render(ReportFixtures.passingDrill()).contains(claim))

        var leftovers = ReportFixtures.passingDrill()
        leftovers.teardown?.leftovers = ["volume restore-drill-ab12_pgdata"]
        let withLeftovers = MarkdownReport.render(leftovers)
        #expect(!withLeftovers.contains(claim))
        #expect(withLeftovers.contains("**Something was left behind**"))
        #expect(withLeftovers.contains("- volume restore-drill-ab12_pgdata"))

        var errored = ReportFixtures.passingDrill()
        errored.teardown?.verdict = .error
        #expect(!MarkdownReport.render(errored).contains(claim))
        #expect(MarkdownReport.render(errored).contains("**Teardown ERROR**"))

        var missing = ReportFixtures.passingDrill()
        missing.teardown = nil
        #expect(!MarkdownReport.render(missing).contains(claim))
        #expect(MarkdownReport.render(missing).contains("**No teardown evidence was recorded**"))
    }
}
