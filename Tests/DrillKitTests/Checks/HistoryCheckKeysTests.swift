@testable import DrillKit
import Testing

/// `volume` and `schema`: what they compare with, and the clear errors for what cannot work.
@Suite struct HistoryCheckKeysTests {
    static func messages(_ checks: String) -> [String] {
        ScenarioFixtures.diagnostics(yaml: ScenarioFixtures.validPreamble + "checks:\n" + checks)
            .map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func readsAVolumeCheckWithItsDefaults() throws {
        let scenario = try ScenarioFixtures.load(yaml: ScenarioFixtures.validPreamble + "checks:\n  - volume: { tables: [orders, customers] }\n  - sequences: {}\n")
        guard case .volume(let volume) = scenario.checks[0].kind else { Issue.record("not volume"); return }
        #expect(volume.tables == ["orders", "customers"])
        #expect(volume.money.isEmpty)
        #expect(volume.drop == 0.10 && volume.growth == 1.0 && volume.drills == 3)
    }

    @Test func readsAVolumeCheckSpelledOut() throws {
        let yaml = ScenarioFixtures.validPreamble
            + "checks:\n  - volume: { tables: [orders], money: [orders.total_cents], drop: 25%, growth: 300%, drills: 5 }\n  - sequences: {}\n"
        guard case .volume(let volume) = try ScenarioFixtures.load(yaml: yaml).checks[0].kind else { Issue.record("not volume"); return }
        #expect(volume.money == [ColumnReference(table: "orders", column: "total_cents")])
        #expect(volume.drop == 0.25 && volume.growth == 3.0 && volume.drills == 5)
    }

    @Test func aVolumeCheckNeedsSomethingToMeasureAndSaneLimits() {
        #expect(Self.messages("  - volume: { drop: 10% }\n").first?.contains("missing required key 'tables'") == true)
        #expect(Self.messages("  - volume: { tables: [orders], drop: 120% }\n")
            == ["9:39: drop threshold '120%' for checks[0].volume.drop is out of range: expected 0% to 100%"])
        #expect(Self.messages("  - volume: { tables: [orders], drills: 0 }\n")
            == ["9:41: checks[0].volume.drills must be at least 1: the baseline is the median of that many good drills"])
    }

    @Test func comparisonsWithEarlierDrillsAloneCanNeverPass() {
        let messages = Self.messages("  - volume: { tables: [orders] }\n  - schema: {}\n")
        #expect(messages.count == 1)
        #expect(messages.first?.contains("checks holds only comparisons with earlier drills (volume, schema): add a check that verifies on its own") == true,
                "\(messages)")
    }

    @Test func readsASchemaCheck() throws {
        let bare = try ScenarioFixtures.load(yaml: ScenarioFixtures.validPreamble + "checks:\n  - schema: {}\n  - sequences: {}\n")
        guard case .schema(let auto) = bare.checks[0].kind else { Issue.record("not schema"); return }
        #expect(auto.against == .auto && auto.schemas.isEmpty)
        let yaml = ScenarioFixtures.validPreamble + "checks:\n  - schema: { against: last_good_drill, schemas: [public, sales] }\n  - sequences: {}\n"
        guard case .schema(let spelled) = try ScenarioFixtures.load(yaml: yaml).checks[0].kind else { Issue.record("not schema"); return }
        #expect(spelled.against == .lastGoodDrill && spelled.schemas == ["public", "sales"])
        #expect(Self.messages("  - schema: { against: yesterday }\n").first?.contains("auto, manifest, last_good_drill") == true,
                "\(Self.messages("  - schema: { against: yesterday }\n"))")
    }
}
