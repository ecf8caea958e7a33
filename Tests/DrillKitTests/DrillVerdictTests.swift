import Foundation
import Testing
@testable import DrillKit

@Suite struct DrillVerdictTests {
    private func record(checks: [Verdict] = [.pass, .pass], steps: [Verdict] = [.pass, .pass], rto: Verdict? = .pass,
                        rpo: Verdict? = .pass, teardown: Verdict = .pass) -> DrillRecord {
        var record = DrillRecord(runId: "r", scenarioName: "s", scenarioFile: "s.yml", startedAt: Date(timeIntervalSince1970: 0))
        record.steps = steps.enumerated().map { StepRecord(id: StepID(rawValue: "step\($0.offset)"), title: "", verdict: $0.element) }
        record.checks = checks.enumerated().map { CheckRecord(id: "checks[\($0.offset)].sql", kind: "sql", name: "", verdict: $0.element) }
        record.rto = rto.map { ObjectiveRecord(name: "RTO", targetSeconds: 60, measuredSeconds: $0 == .skipped ? nil : 1, verdict: $0, basis: "") }
        record.rpo = rpo.map { ObjectiveRecord(name: "RPO", targetSeconds: 60, measuredSeconds: $0 == .skipped ? nil : 1, verdict: $0, basis: "") }
        record.teardown = TeardownRecord(verdict: teardown, trigger: "completed")
        return record
    }

    @Test func passesOnlyWhenEverythingPassedAndBothObjectivesWereMet() {
        #expect(DrillVerdict.judge(record()) == (.pass, 0))
    }

    @Test func aWrongAnswerFails() {
        #expect(DrillVerdict.judge(record(checks: [.pass, .fail])) == (.fail, 1))
        #expect(DrillVerdict.judge(record(steps: [.pass, .fail], rto: .skipped)) == (.fail, 1))
        #expect(DrillVerdict.judge(record(rpo: .fail)) == (.fail, 1))
    }

    @Test func somethingThatCouldNotRunIsAnErrorNeverAPass() {
        #expect(DrillVerdict.judge(record(checks: [.pass, .error])) == (.error, 2))
        #expect(DrillVerdict.judge(record(checks: [.pass, .error, .fail])) == (.error, 2))
        #expect(DrillVerdict.judge(record(teardown: .error)) == (.error, 2))
        #expect(DrillVerdict.judge(record(checks: [.skipped, .skipped])) == (.error, 2))
        #expect(DrillVerdict.judge(record(checks: [])) == (.error, 2))
        #expect(DrillVerdict.judge(record(rto: .skipped)) == (.error, 2))
        #expect(DrillVerdict.judge(record(rpo: .skipped)) == (.error, 2))
        #expect(DrillVerdict.judge(record(rpo: nil)) == (.error, 2))
    }
}
