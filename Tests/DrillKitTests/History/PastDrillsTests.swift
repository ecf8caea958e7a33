import Foundation
import Testing
@testable import DrillKit

/// Which earlier drills a volume or schema check compares with: passing ones of the same
/// scenario, newest first, and never one whose record was edited after it was sealed.
@Suite struct PastDrillsTests {
    @Test func passingDrillsNewestFirstAndATamperedRecordLeftOut() throws {
        let folder = try EvidenceChainTests.SignedFolder(drills: 3)
        defer { folder.remove() }
        let scenario = ReportFixtures.passingDrill().scenarioName
        let untouched = PastDrills.read(folder.directory, scenario: scenario, excludingRun: "this-run")
        #expect(untouched.good.map(\.runId) == ["20260901T021500Z-ab12", "20260801T021500Z-ab11", "20260701T021500Z-ab10"])
        #expect(untouched.distrusted.isEmpty)

        // Someone edits the newest record's figures: it is no baseline any more.
        let newest = folder.path(folder.records[2])
        let text = try String(contentsOfFile: newest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"summary\" : \"", with: "\"summary\" : \"edited: ").write(toFile: newest, atomically: true, encoding: .utf8)
        let tampered = PastDrills.read(folder.directory, scenario: scenario, excludingRun: "this-run")
        #expect(tampered.good.map(\.runId) == ["20260801T021500Z-ab11", "20260701T021500Z-ab10"])
        #expect(tampered.distrusted == ["\(folder.records[2]) (its seal does not verify)"])
        #expect(tampered.distrustedNote == " (1 record left out: \(folder.records[2]) (its seal does not verify))")

        // Its seal removed to hide the edit: unsigned among signed records is no baseline either.
        try FileManager.default.removeItem(atPath: folder.sibling(of: folder.records[2], ".seal.json"))
        let unsealed = PastDrills.read(folder.directory, scenario: scenario, excludingRun: "this-run")
        #expect(unsealed.good.count == 2)
        #expect(unsealed.distrusted == ["\(folder.records[2]) (unsigned, among signed records)"])
    }

    @Test func theRunItselfAndOtherScenariosAreNotItsPast() throws {
        let folder = try EvidenceChainTests.SignedFolder(drills: 2)
        defer { folder.remove() }
        let scenario = ReportFixtures.passingDrill().scenarioName
        #expect(PastDrills.read(folder.directory, scenario: scenario, excludingRun: "20260801T021500Z-ab11").good.map(\.runId)
            == ["20260701T021500Z-ab10"])
        #expect(PastDrills.read(folder.directory, scenario: "another", excludingRun: "x").good.isEmpty)
        #expect(PastDrills.read(folder.path("missing"), scenario: scenario, excludingRun: "x").good.isEmpty)
        #expect(PastDrills.read(folder.path("missing"), scenario: scenario, excludingRun: "x").problem == nil, "a first drill")
        let file = folder.path(folder.records[0])
        #expect(PastDrills.read(file, scenario: scenario, excludingRun: "x").problem?.contains("cannot read the reports folder") == true)
    }
}
