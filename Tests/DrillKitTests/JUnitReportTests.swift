import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import DrillKit

@Suite struct JUnitReportTests {
    private func parse(_ record: DrillRecord) throws -> XMLDocument {
        try XMLDocument(xmlString: JUnitReport.render(record), options: [])
    }

    private func nodes(_ document: XMLDocument, _ xpath: String) throws -> [XMLNode] {
        try document.nodes(forXPath: xpath)
    }

    private func attribute(_ node: XMLNode?, _ name: String) -> String? {
        (node as? XMLElement)?.attribute(forName: name)?.stringValue
    }

    private func suite(_ document: XMLDocument) throws -> XMLElement {
        try #require(try nodes(document, "/testsuites/testsuite").first as? XMLElement)
    }

    private func testCase(_ document: XMLDocument, named prefix: String) throws -> XMLElement {
        let all = try nodes(document, "//testcase").compactMap { $0 as? XMLElement }
        return try #require(all.first { attribute($0, "name")?.hasPrefix(prefix) == true })
    }

    /// Totals on both `<testsuites>` and `<testsuite>` must agree with the cases inside; skips
    /// are counted on the suite only, as the common JUnit schema allows.
    private func expectTotalsAgree(_ document: XMLDocument) throws {
        let cases = try nodes(document, "//testcase").count
        let failures = try nodes(document, "//testcase/failure").count
        let errors = try nodes(document, "//testcase/error").count
        let skipped = try nodes(document, "//testcase/skipped").count
        for element in [try #require(document.rootElement()), try suite(document)] {
            #expect(attribute(element, "tests") == String(cases))
            #expect(attribute(element, "failures") == String(failures))
            #expect(attribute(element, "errors") == String(errors))
        }
        #expect(attribute(try suite(document), "skipped") == String(skipped))
        let root = try #require(document.rootElement())
        #expect(attribute(root, "skipped") == nil)
    }

    @Test(arguments: ReportSample.allCases)
    func everySampleParsesWithAgreeingTotals(sample: ReportSample) throws {
        try expectTotalsAgree(try parse(sample.record))
    }

    @Test func passingDrillHasNoFailuresErrorsOrSkips() throws {
        let document = try parse(ReportFixtures.passingDrill())
        try expectTotalsAgree(document)
        #expect(try nodes(document, "//failure").isEmpty)
        #expect(try nodes(document, "//error").isEmpty)
        #expect(try nodes(document, "//skipped").isEmpty)
        let suite = try suite(document)
        #expect(attribute(suite, "name") == "restore-drill.sovecom-monthly")
        // 4 steps + 3 checks + RTO + RPO + teardown
        #expect(attribute(suite, "tests") == "10")
        #expect(attribute(suite, "timestamp") == "2026-06-24T02:15:00Z")
        #expect(attribute(suite, "time") == "300.000")
    }

    @Test func oneCasePerStepCheckObjectiveAndTeardownWithClassnames() throws {
        let document = try parse(ReportFixtures.mixedDrill())
        let classNames = try nodes(document, "//testcase").map { attribute($0, "classname") ?? "" }
        #expect(classNames.filter { $0 == "restore-drill.sovecom-monthly.steps" }.count == 4)
        #expect(classNames.filter { $0 == "restore-drill.sovecom-monthly.checks" }.count == 7)
        #expect(classNames.filter { $0 == "restore-drill.sovecom-monthly.objectives" }.count == 2)
        #expect(classNames.filter { $0 == "restore-drill.sovecom-monthly.teardown" }.count == 1)
        let check = try testCase(document, named: "checks[2].invoice_sequence")
        #expect(attribute(check, "name") == "checks[2].invoice_sequence: invoices are gapless")
    }

    @Test func mixedDrillMapsEveryVerdict() throws {
        let document = try parse(ReportFixtures.mixedDrill())
        try expectTotalsAgree(document)
        let suite = try suite(document)
        #expect(attribute(suite, "failures") == "2") // money check + RPO
        #expect(attribute(suite, "errors") == "1")
        #expect(attribute(suite, "skipped") == "1")

        let failed = try testCase(document, named: "checks[1].money")
        let failure = try #require(failed.elements(forName: "failure").first)
        #expect(attribute(failure, "type") == "money")
        #expect(attribute(failure, "message") == "EUR total differs from the manifest")
        let body = failure.stringValue ?? ""
        #expect(body.contains("MISMATCH orders.total_cents EUR: expected 1234500, actual 1230000"))
        #expect(body.contains("Scenarios/sovecom-monthly.yml:44"))

        let errored = try testCase(document, named: "checks[2].invoice_sequence")
        #expect(errored.elements(forName: "failure").isEmpty)
        let error = try #require(errored.elements(forName: "error").first)
        #expect(attribute(error, "type") == "invoice_sequence")
        #expect(attribute(error, "message") == "relation \"invoices\" does not exist (SQLSTATE 42P01)")

        let skipped = try testCase(document, named: "checks[3].totp_login")
        #expect(attribute(skipped.elements(forName: "skipped").first, "message") == "the app did not start")

        let rpo = try testCase(document, named: "RPO")
        #expect(attribute(rpo.elements(forName: "failure").first, "type") == "rpo-not-met")
        let rto = try testCase(document, named: "RTO")
        #expect(rto.elements(forName: "failure").isEmpty && rto.elements(forName: "error").isEmpty)
    }

    @Test func checksThatCouldNotRunAreNeverPasses() throws {
        let document = try parse(ReportFixtures.restoreErroredDrill())
        try expectTotalsAgree(document)
        for check in try nodes(document, "//testcase[@classname='restore-drill.sovecom-monthly.checks']") {
            #expect((check as? XMLElement)?.elements(forName: "skipped").count == 1)
        }
        let restore = try testCase(document, named: "restore")
        let error = try #require(restore.elements(forName: "error").first)
        #expect(attribute(error, "type") == "archive-truncated")
        #expect(error.stringValue?.contains("could not read input file: end of file") == true)
        #expect(try testCase(document, named: "RTO").elements(forName: "error").count == 1)
        #expect(try testCase(document, named: "RPO").elements(forName: "skipped").count == 1)
    }

    @Test func suiteCarriesPropertiesAndObjectivesInSystemOut() throws {
        let document = try parse(ReportFixtures.mixedDrill())
        var properties: [String: String] = [:]
        for property in try nodes(document, "/testsuites/testsuite/properties/property") {
            properties[attribute(property, "name") ?? ""] = attribute(property, "value")
        }
        #expect(properties["run_id"] == "20260624T021500Z-cd34")
        #expect(properties["verdict"] == "error")
        #expect(properties["exit_code"] == "2")
        #expect(properties["tier"] == "standard")
        #expect(properties["rto_seconds"] == "245.000")
        #expect(properties["rto_target_seconds"] == "3600.000")
        #expect(properties["rto_met"] == "true")
        #expect(properties["rpo_seconds"] == "93600.000")
        #expect(properties["rpo_target_seconds"] == "3600.000")
        #expect(properties["rpo_met"] == "false")
        #expect(properties["backup_sha256"] == ReportFixtures.backup().sha256)
        #expect(properties["backup_created_at"] == "2026-06-24T00:15:00.000Z")

        let output = try #require(try nodes(document, "/testsuites/testsuite/system-out").first?.stringValue)
        #expect(output.contains("RTO: measured 245.000 s (4m 05s), target 3600.000 s (1h): met"))
        #expect(output.contains("RPO: measured 93600.000 s (1d 02h), target 3600.000 s (1h): not met"))
    }

    @Test func unmeasuredObjectivesAreUnknownNotMet() throws {
        let document = try parse(ReportFixtures.restoreErroredDrill())
        let names = try nodes(document, "//property").map { attribute($0, "name") ?? "" }
        #expect(!names.contains("rto_seconds"))
        let values = try nodes(document, "//property").reduce(into: [String: String]()) {
            $0[attribute($1, "name") ?? ""] = attribute($1, "value")
        }
        #expect(values["rto_met"] == "unknown")
        #expect(values["rpo_met"] == "unknown")
    }

    @Test func durationsAreSecondsWithThreeDecimals() throws {
        let document = try parse(ReportFixtures.passingDrill())
        let times = try nodes(document, "//testcase").map { attribute($0, "time") ?? "" }
        #expect(times.allSatisfy { $0.wholeMatch(of: /\d+\.\d{3}/) != nil })
        #expect(try attribute(testCase(document, named: "restore"), "time") == "42.125")
    }

    @Test func escapesMetacharactersAndStripsControlCharacters() throws {
        let xml = JUnitReport.render(ReportFixtures.hostileDrill())
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let document = try XMLDocument(xmlString: xml, options: [])
        try expectTotalsAgree(document)
        let strippedName = ReportFixtures.hostileName.replacingOccurrences(of: "\u{01}", with: "")
            .replacingOccurrences(of: "\u{1B}", with: "")
        let check = try testCase(document, named: "checks[0].row_counts")
        #expect(attribute(check, "name") == "checks[0].row_counts: \(strippedName)")
        let failed = try testCase(document, named: "checks[1].money")
        // Line breaks in attributes survive as character references.
        #expect(attribute(failed.elements(forName: "failure").first, "message") == ReportFixtures.hostileMessage)
        #expect(try nodes(document, "//script").isEmpty)
    }

    @Test func teardownWithLeftoversIsNeverAPass() throws {
        var record = ReportFixtures.passingDrill()
        record.teardown?.leftovers = ["container restore-drill-ab12-postgres-1"]
        let document = try parse(record)
        let teardown = try testCase(document, named: "teardown")
        let failure = try #require(teardown.elements(forName: "failure").first)
        #expect(attribute(failure, "type") == "teardown-leftovers")
        #expect(attribute(failure, "message")?.contains("restore-drill-ab12-postgres-1") == true)
    }

    @Test func missingTeardownEvidenceIsAnError() throws {
        var record = ReportFixtures.passingDrill()
        record.teardown = nil
        let document = try parse(record)
        #expect(try testCase(document, named: "teardown").elements(forName: "error").count == 1)
    }

    @Test func teardownStepAndRecordAreOneCase() throws {
        var record = ReportFixtures.passingDrill()
        record.steps.append(StepRecord(id: "teardown", title: "Tear down", verdict: .pass, durationSeconds: 2))
        let document = try parse(record)
        let names = try nodes(document, "//testcase").compactMap { attribute($0, "name") }
        #expect(names.filter { $0.hasPrefix("teardown") }.count == 1)
        try expectTotalsAgree(document)
    }
}
