import Testing
@testable import DrillKit

@Suite struct ReportHeadlineTests {
    @Test func consoleLineLeadsWithTheVerdict() {
        #expect(DrillHeadline.consoleLine(for: ReportFixtures.mixedDrill())
            == "ERROR sovecom-monthly (run 20260624T021500Z-cd34): 1 of 7 checks failed, 1 could not run (ERROR), 1 SKIPPED; RTO met, RPO not met [exit 2]")
    }

    @Test func restoreErrorNamesTheStep() {
        #expect(DrillHeadline.outcome(of: ReportFixtures.restoreErroredDrill())
            == "step restore could not run (ERROR); 3 of 3 checks SKIPPED; RTO not measured (ERROR), RPO not measured (SKIPPED)")
    }

    @Test func teardownTroubleIsInTheHeadline() {
        var record = ReportFixtures.passingDrill()
        record.teardown?.leftovers = ["network restore-drill-ab12_default"]
        #expect(DrillHeadline.outcome(of: record) == "all 3 checks passed; RTO met, RPO met; teardown left 1 thing(s) behind")
        record.teardown?.leftovers = []
        record.teardown?.verdict = .error
        #expect(DrillHeadline.outcome(of: record).hasSuffix("; teardown could not complete (ERROR)"))
    }

    @Test func checksClauseCoversEveryShape() {
        let pass = CheckRecord(id: "c", kind: "sql", name: "n", verdict: .pass)
        var error = pass
        error.verdict = .error
        #expect(DrillHeadline.checksClause([]) == "no checks recorded")
        #expect(DrillHeadline.checksClause([pass]) == "the 1 check passed")
        #expect(DrillHeadline.checksClause([pass, pass]) == "all 2 checks passed")
        #expect(DrillHeadline.checksClause([pass, error]) == "1 of 2 checks could not run (ERROR)")
        #expect(DrillHeadline.objectiveClause(nil, name: "RPO") == "RPO not recorded")
    }
}
