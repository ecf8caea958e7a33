import Foundation
@testable import DrillKit
import RefStoreKit
import Testing

/// The gate on the compose target, as SovEcom upgrades: the pre-upgrade dump of PostgreSQL 15
/// restored into the 17 image with each RefStore version's own image, and the way back on 15.
/// The faults a compose upgrade meets on its own: the new image never comes up, or the old
/// image is still what runs.
@Suite(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
       .serialized, .timeLimit(.minutes(10)))
struct ComposeUpgradeGateTests {
    static func gate(_ fixture: UpgradeGateTests.Fixture, toImage: String = "restore-drill/refstore:2",
                     composeFile: String = ComposeEngine.composeFile, migrate: MigrateSpec = MigrateSpec(command: ["migrate"], service: "api"),
                     toReady: [ReadyProbe]? = nil, rollbackWay: UpgradeSpec.RollbackWay = .fresh) async throws -> DrillRecord {
        var scenario = Scenario.testScenario(dump: fixture.dump, checks: [
            .rowCounts(RowCountsCheckSpec(tables: ["orders", "invoices"])),
            .money(MoneyCheckSpec(columns: [ColumnReference(table: "orders", column: "total_cents")],
                                  currencyColumn: ColumnReference(table: "orders", column: "currency"), totals: .manifest)),
            .invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number", series: "series", latest: .manifest,
                                                      nextNumberSQL: "SELECT next_value FROM invoice_counters WHERE series = $1")),
            AppDrillTests.Fixture.testOrder,
        ], manifest: fixture.manifest, reportDirectory: fixture.scratch.path)
        scenario.name = "compose-upgrade"
        scenario.environment = EnvironmentSpec(kind: .compose, compose: ComposeSpec(file: composeFile, databaseService: "postgres",
                                                                                  databaseImage: "restore-drill/postgres:{major}"),
                                               database: scenario.environment.database)
        let keyFile = try fixture.write("key-\(RandomToken.hex(bytes: 3))", AppDrillTests.keyA)
        scenario.masterKey = MasterKeySpec(source: .file(keyFile), install: .file(service: nil, path: "/data/master.key"))
        let ready = [ReadyProbe(http: HTTPProbe(url: "http://{{api:3000}}/health", json: ["status": .string("ok")]), timeoutSeconds: 30)]
        scenario.app = AppSpec(start: .services(["api"]), ready: ready, logsMustNotContain: ["env validation", "schema refused"],
                               variables: ["DRILL_APP_IMAGE": "restore-drill/refstore:1"])
        scenario.upgrade = UpgradeSpec(
            to: AppSpec(start: .services(["api"]), migrate: migrate, ready: toReady ?? ready,
                        logsMustNotContain: ["env validation", "schema refused"], variables: ["DRILL_APP_IMAGE": toImage]),
            version: VersionProbe(url: "http://{{api:3000}}/health", from: "1.0.0", to: "2.0.0"),
            migrations: MigrationsTable(table: "schema_migrations", id: "version", name: "name"),
            guardTable: "invoices", rollbackWay: rollbackWay, databaseImage: "restore-drill/postgres:17")
        let secrets = SecretStore(environment: ["DRILL_PASSWORD": AppDrillTests.password, "DRILL_TOTP_SECRET": AppDrillTests.secret])
        return await DrillRunner(scenario: scenario, secrets: secrets).run()
    }

    func expectNothingLeft(_ record: DrillRecord, _ label: String) async {
        #expect(record.teardown?.leftovers == [], "\(label)")
        #expect(record.upgrade?.rollback?.teardown?.leftovers ?? [] == [], "\(label)")
        #expect(await ComposeProject.labelled(ComposeTarget.runLabel + "=" + record.runId).isEmpty, "\(label)")
        #expect(await ComposeProject.labelled(ComposeTarget.runLabel + "=" + record.runId + "-back").isEmpty, "\(label)")
    }

    @Test func aHealthyUpgradeAcrossThePostgreSQLLinePassesAndTheWayBackRunsOnTheOldLine() async throws {
        try await UpgradeGateTests().withFixture { fixture in
            let record = try await Self.gate(fixture)
            #expect(record.verdict == .pass, "\(record.outline)\n\(record.summary)")
            #expect(record.step(.target)?.message?.contains("PostgreSQL 17.") == true, "forward on 17: \(record.step(.target)?.message ?? "")")
            #expect(record.upgrade?.after?.version == "2.0.0")
            #expect(record.upgrade?.applied?.map(\.id) == ["12 customer_name_parts", "13 drop_customer_name"])
            #expect(record.upgrade?.secondRunApplied == [])
            let back = try #require(record.upgrade?.rollback)
            #expect(back.verdict == .pass, "\(back.steps.map { "\($0.id): \($0.message ?? "")" })")
            #expect(back.steps.first { $0.id == .target }?.message?.contains("PostgreSQL 15.") == true, "the way back on 15")
            await expectNothingLeft(record, "healthy")
        }
    }

    /// ecommus's way back on its Docker Compose install: the new image stopped, the 15 dump
    /// restored with --clean onto the upgraded database in the 17 container, the old image on it.
    @Test func theWayBackInPlaceRunsInTheUpgradedStack() async throws {
        try await UpgradeGateTests().withFixture { fixture in
            let record = try await Self.gate(fixture, rollbackWay: .inPlace)
            #expect(record.verdict == .pass, "\(record.outline)\n\(record.summary)")
            let back = try #require(record.upgrade?.rollback)
            #expect(back.way == "in_place")
            #expect(back.steps.map(\.id.rawValue) == ["rollback_restore", "app", "rollback_version", "rollback_compare"],
                    "\(back.steps.map { "\($0.id): \($0.verdict) \($0.message ?? "")" })")
            #expect(back.steps[0].evidence.first?.contains("exec") == true, "pg_restore in the database container: \(back.steps[0].evidence)")
            #expect(record.step(.rollback)?.evidence.first == "docker compose stop api", "\(record.step(.rollback)?.evidence ?? [])")
            await expectNothingLeft(record, "in place")
        }
    }

    /// The stack with a `migrator` service of the new image whose entrypoint is a shell, so a
    /// test can follow the real migrations with a fault, inside the one-off container.
    static func stackWithMigrator(in scratch: ScratchFolder) throws -> String {
        try ComposeFaultTests.composeFile(in: scratch, "migrator.yml") {
            $0.replacingOccurrences(of: "\nvolumes:\n", with: """

                  migrator:
                    image: ${DRILL_APP_IMAGE:-restore-drill/refstore:local}
                    entrypoint: ["/bin/sh", "-c"]
                    environment: *database
                    depends_on:
                      postgres: { condition: service_healthy }

                volumes:

                """)
        }
    }

    @Test func faultyMigrationsInTheNewImageAreCaughtByName() async throws {
        try await UpgradeGateTests().withFixture { fixture in
            let stack = try Self.stackWithMigrator(in: fixture.scratch)
            let faults: [(String, String, String, (DrillRecord) -> String?)] = [
                ("drops the immutability trigger", "DROP TRIGGER IF EXISTS invoices_immutable ON invoices",
                 "the immutability guard on invoices no longer fires", { $0.checks.first { $0.id == UpgradeChecks.guardID }?.message }),
                ("loses rows", "ALTER TABLE invoices DISABLE TRIGGER USER; DELETE FROM order_lines WHERE id % 10 = 0; ALTER TABLE invoices ENABLE TRIGGER USER",
                 "the upgrade lost or changed data: public.order_lines:", { $0.checks.first { $0.id == UpgradeChecks.keptID }?.message }),
                ("is not idempotent", "INSERT INTO schema_migrations (version, name) SELECT max(version) + 1, 'again' FROM schema_migrations",
                 "the migrations are not idempotent", { $0.step(.migrate)?.message }),
                ("turns money into a float", "ALTER TABLE orders ALTER COLUMN total_cents TYPE double precision",
                 "double precision", { $0.checks.first { $0.kind == "money" }?.message }),
                ("resets an invoice counter", "UPDATE invoice_counters SET next_value = 1",
                 "invoices_series_number_key", { $0.checks.first { $0.kind == "test_order" }?.message }),
            ]
            for (name, sql, words, message) in faults {
                let script = "refstore migrate && psql -v ON_ERROR_STOP=1 -q -c \"\(sql)\""
                let record = try await Self.gate(fixture, composeFile: stack, migrate: MigrateSpec(command: [script], service: "migrator"))
                #expect(record.verdict == .fail, "\(name): \(record.outline)")
                #expect(message(record)?.contains(words) == true, "\(name): \(message(record) ?? "(none)")\n\(record.outline)")
                await expectNothingLeft(record, name)
            }
        }
    }

    @Test func aNewVersionThatNeverBecomesHealthyAndABackupThatDoesNotRestoreFailTheGate() async throws {
        try await UpgradeGateTests().withFixture { fixture in
            // Its health never answers what the scenario waits for.
            let sick = [ReadyProbe(http: HTTPProbe(url: "http://{{api:3000}}/health", json: ["status": .string("never")]), timeoutSeconds: 4)]
            let missing = try await Self.gate(fixture, toReady: sick)
            #expect(missing.verdict == .fail, "\(missing.outline)")
            #expect(missing.step(.upgradedApp)?.message?.hasPrefix("the new version did not come up on the migrated copy: ") == true,
                    "\(missing.step(.upgradedApp)?.message ?? "")")
            #expect(missing.checks.allSatisfy { $0.verdict == .skipped }, "no check judges a version that did not come up")
            await expectNothingLeft(missing, "never healthy")

            let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.dump))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: fixture.dump))
            let broken = try await Self.gate(fixture)
            #expect(broken.verdict != .pass)
            #expect(broken.step(.migrate)?.verdict == .skipped, "no migration runs on a backup that did not restore: \(broken.outline)")
            #expect(broken.step(.rollback) == nil)
            await expectNothingLeft(broken, "truncated dump")
        }
    }

    @Test func aNewImageThatStillRunsTheOldVersionFailsTheGate() async throws {
        try await UpgradeGateTests().withFixture { fixture in
            let record = try await Self.gate(fixture, toImage: "restore-drill/refstore:1")
            // The 1.0.0 image migrates only to 1.0.0's schema and then reports 1.0.0.
            #expect(record.verdict == .fail, "\(record.outline)")
            let failed = record.steps.first { $0.verdict == .fail }
            #expect(failed?.id == .upgradedApp, "\(record.outline)")
            #expect(failed?.message?.contains("the new version's health reports 1.0.0, expected 2.0.0") == true, "\(failed?.message ?? "")")
            #expect(record.upgrade?.rollback?.verdict == .pass, "the way back still works")
            await expectNothingLeft(record, "old image")
        }
    }
}
