import Foundation
import Testing
@testable import DrillKit

/// The keys a compose drill adds to the contract: read when right, placed when wrong.
@Suite struct ScenarioComposeKeysTests {
    static let compose = """
        version: 1
        name: shop-monthly
        deadline: 90m
        environment:
          kind: compose
          compose: { file: stack.yml, database_service: db, wait: 3m, dump_delivery: copy }
          database: { name: shop, user: shop }
        backup:
          dump: backups/shop.dump
        app:
          start: { services: [api, storefront] }
          migrate: { command: [refstore, migrate], service: api }
        checks:
          - sequences: {}

        """

    @Test func composeKeysAndTheDeadlineAreRead() throws {
        let scenario = try ScenarioFixtures.load(yaml: Self.compose)
        #expect(scenario.deadlineSeconds == 90 * 60)
        #expect(scenario.environment.compose?.file == "/drills/stack.yml")
        #expect(scenario.environment.compose?.databaseService == "db")
        #expect(scenario.environment.compose?.waitSeconds == 180)
        #expect(scenario.environment.compose?.dumpDelivery == .copy)
        guard case .services(let services)? = scenario.app?.start else {
            Issue.record("expected app services")
            return
        }
        #expect(services == ["api", "storefront"])
        #expect(scenario.app?.migrate?.service == "api")
    }

    @Test func withoutThemTheDefaultsHold() throws {
        let plain = Self.compose.replacingOccurrences(of: "deadline: 90m\n", with: "")
            .replacingOccurrences(of: ", wait: 3m, dump_delivery: copy", with: "")
        let scenario = try ScenarioFixtures.load(yaml: plain)
        #expect(scenario.environment.compose?.waitSeconds == 120)
        #expect(scenario.environment.compose?.dumpDelivery == .auto)
        // Baseline tier (RTO 2h): the watchdog allows twice that.
        #expect(scenario.deadlineSeconds == 4 * 3600)
    }

    @Test func theDatabaseImageIsReadWithItsVersionPlaceholder() throws {
        let yaml = Self.compose.replacingOccurrences(of: "dump_delivery: copy", with: "dump_delivery: copy, database_image: \"restore-drill/postgres:{major}\"")
        #expect(try ScenarioFixtures.load(yaml: yaml).environment.compose?.databaseImage == "restore-drill/postgres:{major}")
        #expect(try ScenarioFixtures.load(yaml: Self.compose).environment.compose?.databaseImage == nil, "the compose file's own image by default")
    }

    @Test func badValuesArePlaced() {
        let yaml = Self.compose.replacingOccurrences(of: "deadline: 90m", with: "deadline: soon")
            .replacingOccurrences(of: "dump_delivery: copy", with: "dump_delivery: rsync")
        let messages = ScenarioFixtures.diagnostics(yaml: yaml).map { "\($0.line):\($0.column): \($0.fullMessage)" }
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("3:11:") && $0.contains("soon") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("6:") && $0.contains("rsync") && $0.contains("auto, mount, copy") }, "\(messages)")
    }

    @Test func anAppStartedByCommandDoesNotFitACompose() {
        let yaml = Self.compose.replacingOccurrences(of: "start: { services: [api, storefront] }", with: "start: { command: [refstore, serve] }")
        let messages = ScenarioFixtures.diagnostics(yaml: yaml).map(\.fullMessage)
        #expect(messages.contains { $0.contains("app.start.command needs environment.kind: local") }, "\(messages)")
    }
}

/// The scenarios shipped in `Scenarios/` load as they are, so a change of the contract
/// cannot leave them behind.
@Suite struct ShippedScenariosTests {
    @Test func everyShippedScenarioLoads() throws {
        let root = ScenarioFixtures.packageRoot.appendingPathComponent("Scenarios").path
        let files = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".yml") }.sorted()
        #expect(files.contains("sovecom-monthly.yml") && files.contains("sovecom-pitr.yml") && files.contains("demo-local.yml"))
        for file in files {
            let scenario = try ScenarioLoader.load(path: root + "/" + file,
                                                   environment: ["SOVECOM_BACKUPS": "/srv/backups", "DRILL_AGE_IDENTITY": "/keys/drill-age.txt",
                                                                "SOVECOM_BASE": "/srv/base", "SOVECOM_WAL": "/srv/wal"])
            #expect(scenario.name == String(file.dropLast(4)))
        }
    }
}
