@testable import DrillKit
import Testing

/// `upgrade:` read strictly: what the gate needs, and a clear line for what cannot work.
@Suite struct UpgradeKeysTests {
    static let app = """
        app:
          start: { command: [refstore, serve, --release, "1"] }

        """
    static let upgrade = """
        upgrade:
          to:
            migrate: { command: [refstore, migrate, --release, "2"] }
            start: { command: [refstore, serve, --release, "2"] }
          version: { url: "http://{{api:3000}}/health", from: "1.0.0", to: 2.0.0 }
          migrations: { table: schema_migrations, id: version, name: name }
          changed_tables: { customers: "name split in two" }
          guard: { table: invoices }

        """
    static let checks = "checks:\n  - sequences: {}\n"

    static func messages(_ yaml: String) -> [String] {
        ScenarioFixtures.diagnostics(yaml: yaml).map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func readsAGate() throws {
        let scenario = try ScenarioFixtures.load(yaml: ScenarioFixtures.validPreamble + Self.app + Self.upgrade + Self.checks)
        let upgrade = try #require(scenario.upgrade)
        guard case .command(let start) = upgrade.to.start else { Issue.record("not a command"); return }
        #expect(start == ["refstore", "serve", "--release", "2"])
        #expect(upgrade.to.migrate?.command == ["refstore", "migrate", "--release", "2"])
        #expect(upgrade.version?.key == "version" && upgrade.version?.from == "1.0.0" && upgrade.version?.to == "2.0.0")
        #expect(upgrade.migrations?.name == "name")
        #expect(upgrade.changedTables.map(\.table) == ["customers"] && upgrade.changedTables.map(\.why) == ["name split in two"])
        #expect(upgrade.guardTable == "invoices")
        #expect(upgrade.rollback)
    }

    @Test func aGateNeedsTheCurrentVersion() {
        let messages = Self.messages(ScenarioFixtures.validPreamble + Self.upgrade + Self.checks)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("upgrade needs app: the version production runs now") == true, "\(messages)")
    }

    @Test func unknownKeysAreNamedWithTheClosestOne() {
        let yaml = ScenarioFixtures.validPreamble + Self.app + Self.upgrade.replacingOccurrences(of: "  guard:", with: "  gaurd:") + Self.checks
        #expect(Self.messages(yaml).first?.contains("unknown key 'gaurd'") == true, "\(Self.messages(yaml))")
        #expect(ScenarioFixtures.diagnostics(yaml: yaml).first?.suggestion == "guard")
    }

    @Test func aVersionEndpointThatAnswersTheBareVersionIsReadAsText() throws {
        let text = Self.upgrade.replacingOccurrences(of: #"version: { url: "http://{{api:3000}}/health","#,
                                                     with: #"version: { url: "http://{{api:5000}}/version", body: text,"#)
        let scenario = try ScenarioFixtures.load(yaml: ScenarioFixtures.validPreamble + Self.app + text + Self.checks)
        #expect(scenario.upgrade?.version?.body == .text)
        #expect(try ScenarioFixtures.load(yaml: ScenarioFixtures.validPreamble + Self.app + Self.upgrade + Self.checks).upgrade?.version?.body == .json)

        let both = text.replacingOccurrences(of: "body: text,", with: "body: text, key: version,")
        let messages = Self.messages(ScenarioFixtures.validPreamble + Self.app + both + Self.checks)
        #expect(messages.count == 1 && messages.first?.contains("'key' names a JSON key, and 'body: text' reads the whole answer") == true, "\(messages)")
        let unknown = Self.messages(ScenarioFixtures.validPreamble + Self.app + text.replacingOccurrences(of: "body: text", with: "body: html") + Self.checks)
        #expect(unknown.first?.contains("html") == true, "\(unknown)")
    }

    @Test func anAppThatMigratesItselfDeclaresItsTableAndVersion() throws {
        let app = Self.app.replacingOccurrences(of: "  start: { command: [refstore, serve, --release, \"1\"] }\n", with: """
              start: { command: [refstore, serve, --release, "1"] }
              migrations: { table: schema_migrations, id: version }
              version: { url: "http://{{api:3000}}/health", expect: 1.0.0 }

            """)
        let scenario = try ScenarioFixtures.load(yaml: ScenarioFixtures.validPreamble + app + Self.checks)
        #expect(scenario.app?.migrations?.table == "schema_migrations")
        #expect(scenario.app?.version?.to == "1.0.0")
        let gate = Self.messages(ScenarioFixtures.validPreamble + app + Self.upgrade + Self.checks)
        #expect(gate.contains { $0.contains("app.migrations and app.version are for a drill") }, "\(gate)")
        let noExpect = Self.messages(ScenarioFixtures.validPreamble + app.replacingOccurrences(of: ", expect: 1.0.0", with: "") + Self.checks)
        #expect(noExpect.contains { $0.contains("missing required key 'expect'") }, "\(noExpect)")
        let withMigrate = Self.messages(ScenarioFixtures.validPreamble
                                        + app.replacingOccurrences(of: "  migrations:", with: "  migrate: { command: [refstore, migrate] }\n  migrations:")
                                        + Self.checks)
        #expect(withMigrate.contains { $0.contains("with app.migrate the command's migrations would count as the app's") }, "\(withMigrate)")
    }
}
