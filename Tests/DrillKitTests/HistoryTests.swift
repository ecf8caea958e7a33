import Foundation
import Testing
@testable import DrillKit

/// History, the overdue check, the control matrix and the Prometheus textfile, from records
/// in memory: each verdict is shown firing on the case it is for and not on its opposite.
@Suite struct HistoryTests {
    static let day = 86400.0
    static let start = ISO8601.date(from: "2026-06-01T02:15:00Z")!

    static func run(_ daysAfterStart: Double, _ verdict: Verdict, restore: Double = 10, rto: Double? = 60, intact: Bool = true,
                    controls: [String] = ["ISO 27001 A.8.13"]) -> ScenarioHistory.Run {
        var record = DrillRecord(runId: "run-\(Int(daysAfterStart))", scenarioName: "shop", scenarioFile: "shop.yml",
                                 startedAt: start.addingTimeInterval(daysAfterStart * day), verdict: verdict, exitCode: verdict == .pass ? 0 : 1)
        record.steps = [StepRecord(id: "restore", title: "restore", verdict: .pass, durationSeconds: restore)]
        record.rto = ObjectiveRecord(name: "RTO", targetSeconds: 3600, measuredSeconds: rto, verdict: rto == nil ? .error : .pass, basis: "")
        record.cadenceSeconds = 31 * day
        record.controls = controls
        return ScenarioHistory.Run(fileName: "shop-\(Int(daysAfterStart)).json", record: record, integrity: intact ? "signed k" : "BROKEN",
                                   integrityIntact: intact)
    }

    static func history(_ runs: [ScenarioHistory.Run], cadence: Double? = 31 * day) -> ScenarioHistory {
        ScenarioHistory(scenario: "shop", runs: runs, cadenceSeconds: cadence)
    }

    @Test func aScenarioWithoutAPassWithinItsCadenceIsOverdueAndOneWithIsNot() {
        let history = Self.history([Self.run(0, .pass), Self.run(30, .fail)])
        #expect(history.overdue(asOf: Self.start.addingTimeInterval(20 * Self.day)).isOverdue == false)
        let late = history.overdue(asOf: Self.start.addingTimeInterval(40 * Self.day))
        #expect(late.isOverdue, "a failed drill does not reset the clock")
        #expect(HistoryReport.overdueSentence(late, cadence: 31 * Self.day, now: Self.start.addingTimeInterval(40 * Self.day))
            .contains("no passing drill since 2026-06-01 (40 days; cadence 31d)"))
    }

    @Test func neverPassingIsOverdueAndNoCadenceIsSaidPlainly() {
        #expect(Self.history([Self.run(0, .error)]).overdue(asOf: Self.start) == .overdue(lastPass: nil))
        let uncadenced = Self.history([Self.run(0, .pass)], cadence: nil)
        #expect(uncadenced.overdue(asOf: Self.start.addingTimeInterval(400 * Self.day)) == .noCadence)
        #expect(HistoryReport.text([uncadenced], asOf: Self.start).contains("No cadence set"))
    }

    @Test func theTrendComparesTheLatestRunWithTheLastGoodOne() {
        let slower = Self.history([Self.run(0, .pass, restore: 10), Self.run(30, .fail, restore: 50), Self.run(60, .pass, restore: 11.9)])
        #expect(slower.trend.first == "restore 19% slower than the last good run (2026-06-01, 10.0s → 11.9s)")
        let steady = Self.history([Self.run(0, .pass, restore: 10), Self.run(30, .pass, restore: 10.2)])
        #expect(steady.trend.first?.hasPrefix("restore about the same (+2%)") == true)
        #expect(Self.history([Self.run(0, .pass)]).trend.isEmpty, "nothing to compare a first run with")
    }

    @Test func anUnmeasuredObjectiveIsNeverShownAsMet() {
        let text = HistoryReport.text([Self.history([Self.run(0, .error, rto: nil)])], asOf: Self.start)
        #expect(text.contains("RTO not measured (ERROR)"))
        #expect(!text.contains("✔"))
    }

    @Test func theControlMatrixCountsOnlyPassingIntactRunsInThePeriod() {
        let histories = [Self.history([
            Self.run(0, .pass), Self.run(31, .pass, intact: false), Self.run(62, .fail), Self.run(93, .pass, controls: ["SOC 2 A1.3"]),
        ])]
        let rows = ControlMatrix.rows(histories)
        #expect(rows.map(\.control) == ["ISO 27001 A.8.13", "SOC 2 A1.3"])
        let markdown = ControlMatrix.markdown(histories, generatedAt: Self.start)
        #expect(markdown.contains("| 3 | 1 of 3 | 2026-06-01 |"), "\(markdown)")
        #expect(markdown.contains("ISO/IEC 27001:2022 A.8.13 Information backup"))
        let period = ControlMatrix.rows(histories, from: Self.start.addingTimeInterval(60 * Self.day))
        #expect(period.first { $0.control == "ISO 27001 A.8.13" }?.runs.count == 1)
        #expect(ControlMatrix.describe("iso27001 a.8.13") == ControlMatrix.describe("ISO 27001 A.8.13"))
    }

    @Test func thePrometheusTextfileLeavesAnUnmeasuredObjectiveWithoutAValue() {
        var failing = Self.run(0, .error, rto: nil).record
        failing.scenarioName = "shop \"eu\"\n"
        let text = PrometheusTextfile.render([.init(record: failing, lastPass: nil, signed: false)])
        #expect(text.contains(#"restore_drill_verified{scenario="shop \"eu\"\n"} 0"#))
        #expect(text.contains(#"restore_drill_rto_met{scenario="shop \"eu\"\n"} 0"#))
        #expect(!text.contains("restore_drill_rto_seconds{"))
        #expect(!text.contains("restore_drill_last_pass_timestamp_seconds{"), "never passed: absent, so absent() alerts")

        let passing = PrometheusTextfile.render([.init(record: Self.run(0, .pass).record, lastPass: Self.start, signed: true)])
        #expect(passing.contains(#"restore_drill_rto_seconds{scenario="shop"} 60"#))
        #expect(passing.contains(#"restore_drill_rto_met{scenario="shop"} 1"#))
        #expect(passing.contains(#"restore_drill_last_pass_timestamp_seconds{scenario="shop"} \#(Int(Self.start.timeIntervalSince1970))"#))
    }
}

@Suite struct ScenarioEvidenceKeysTests {
    static func yaml(_ evidence: String) -> String {
        """
        version: 1
        name: shop-monthly
        environment:
          kind: local
          database: { name: shop, user: shop }
        backup:
          dump: backups/shop.dump
        checks:
          - sequences: {}
        \(evidence)

        """
    }

    @Test func cadenceAndControlsAreRead() throws {
        let scenario = try ScenarioFixtures.load(yaml: Self.yaml("evidence: { cadence: 31d, controls: [\"ISO 27001 A.8.13\", \"SOC 2 A1.3\"] }"))
        #expect(scenario.evidence.cadenceSeconds == Double(31 * 86400))
        #expect(scenario.evidence.controls == ["ISO 27001 A.8.13", "SOC 2 A1.3"])
        #expect(try ScenarioFixtures.load(yaml: Self.yaml("")).evidence == EvidenceSpec())
    }

    @Test func aBadCadenceAnUnknownKeyAndARepeatedControlAreErrorsWithTheirLine() {
        let messages = ScenarioFixtures.diagnostics(yaml: Self.yaml("""
            evidence:
              cadence: monthly
              controls: [A, A]
              owner: ops
            """)).map { "\($0.line): \($0.fullMessage)" }
        #expect(messages.contains { $0.hasPrefix("11:") && $0.contains("invalid duration 'monthly'") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("12:") && $0.contains("lists 'A' twice") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("13:") && $0.contains("owner") }, "\(messages)")
    }
}

@Suite struct MarkdownEvidenceLinesTests {
    @Test func theReportNamesTheControlsAndCadenceOnlyWhenTheScenarioDoes() {
        var record = ReportFixtures.passingDrill()
        #expect(!MarkdownReport.render(record).contains("Controls evidenced"))
        record.controls = ["ISO 27001 A.8.13", "PCI DSS 12.10.2"]
        record.cadenceSeconds = 32 * 86400
        let markdown = MarkdownReport.render(record)
        #expect(markdown.contains("- **Controls evidenced:** ISO 27001 A.8.13, PCI DSS 12.10.2"))
        #expect(markdown.contains("- **Cadence:** a passing drill is due every 32d"))
    }
}

/// An unrecovered drill's RTO reads as what it was in history and the control matrix.
@Suite struct UnrecoveredObjectiveWordingTests {
    @Test func anRTONotMetByAnUnrecoveredDrillSaysHowLongItRan() {
        let rto = ObjectiveRecord(name: "RTO", targetSeconds: 7200, measuredSeconds: nil, verdict: .fail,
                                  basis: "not met: the drill did not recover (the app step failed)", notRecovered: "the app step failed", ranSeconds: 5.05)
        #expect(HistoryReport.objective(rto) == "did not recover (ran 5.05s) ✘ FAIL")
        let met = ObjectiveRecord(name: "RTO", targetSeconds: 7200, measuredSeconds: 5.05, verdict: .pass, basis: "clock")
        #expect(HistoryReport.objective(met) == "5.05s of 2h ✔")
    }
}
