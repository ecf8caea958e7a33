import Foundation
@testable import DrillKit
import RefStoreKit
import Testing

/// The post-major-upgrade gate on the local target: RefStore 1.0.0's production dump, the
/// 2.0.0 migrations run twice on a restored copy, 2.0.0 booted and verified against the
/// baseline 1.0.0 saw, a test order through it. Each fault a bad upgrade brings is caught by
/// name; the healthy upgrade passes.
@Suite(.serialized, .timeLimit(.minutes(10))) struct UpgradeGateTests {
    struct Fixture {
        var scratch: ScratchFolder
        var dump: String
        var manifest: String
        var refstore: String

        func write(_ name: String, _ text: String) throws -> String { try scratch.write(name, text) }

        var key: MasterKeySpec {
            get throws {
                let file = scratch.file("master.key")
                try Data(AppDrillTests.keyA.utf8).write(to: URL(fileURLWithPath: file))
                return MasterKeySpec(source: .file(file), install: .environment("MASTER_KEY"))
            }
        }

        func app(release: String, migrate: [String]? = nil, start: [String]? = nil) -> AppSpec {
            AppSpec(start: .command(start ?? [refstore, "serve", "--release", release, "--http-port", "{{port}}"]),
                    migrate: migrate.map { MigrateSpec(command: $0) },
                    ready: [ReadyProbe(http: HTTPProbe(url: "http://{{api:3000}}/health", json: ["status": .string("ok")]), timeoutSeconds: 20)],
                    logsMustNotContain: ["env validation", "schema refused"])
        }

        /// `migrate` replaces the new version's migration command (a fault script); `start` its start command.
        func gate(migrate: [String]? = nil, start: [String]? = nil, expectVersion: String = "2.0.0",
                  components: [String]? = nil, selfMigrating: Bool = false, textVersion: Bool = false,
                  rollbackWay: UpgradeSpec.RollbackWay = .fresh, extraChecks: [CheckKind] = []) async throws -> DrillRecord {
            var scenario = Scenario.testScenario(dump: dump, checks: [
                .rowCounts(RowCountsCheckSpec(tables: ["orders", "invoices"])),
                .money(MoneyCheckSpec(columns: [ColumnReference(table: "orders", column: "total_cents")],
                                      currencyColumn: ColumnReference(table: "orders", column: "currency"), totals: .manifest)),
                .invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number", series: "series", latest: .manifest,
                                                          nextNumberSQL: "SELECT next_value FROM invoice_counters WHERE series = $1")),
                AppDrillTests.Fixture.testOrder,
            ] + extraChecks, manifest: manifest, reportDirectory: scratch.path)
            scenario.masterKey = try key
            scenario.app = app(release: "1")
            scenario.upgrade = UpgradeSpec(
                to: app(release: "2", migrate: selfMigrating ? nil : migrate ?? [refstore, "migrate", "--release", "2"],
                        start: start ?? (selfMigrating ? [refstore, "serve", "--release", "2", "--migrate-on-start", "--http-port", "{{port}}"] : nil)),
                version: textVersion ? VersionProbe(url: "http://{{api:3000}}/version", body: .text, from: "1.0.0", to: expectVersion)
                    : VersionProbe(url: "http://{{api:3000}}/health", from: "1.0.0", to: expectVersion),
                migrations: MigrationsTable(table: "schema_migrations", id: "version", name: "name"),
                guardTable: "invoices", rollbackWay: rollbackWay,
                commands: [UpgradeCommand(name: "components", run: [refstore, "components", "--release", "1"],
                                          runUpgraded: components ?? [refstore, "components", "--release", "2"], allow: .versionBumps)])
            let secrets = SecretStore(environment: ["DRILL_PASSWORD": AppDrillTests.password, "DRILL_TOTP_SECRET": AppDrillTests.secret])
            return await DrillRunner(scenario: scenario, secrets: secrets).run()
        }

        /// The real migration, then `sql` through psql: a migration that goes wrong.
        func faultyMigration(_ sql: String) throws -> [String] {
            let script = scratch.file("fault-\(UUID().uuidString.prefix(8)).sh")
            try """
                #!/bin/sh
                set -e
                '\(refstore)' migrate --release 2
                psql -v ON_ERROR_STOP=1 -q -c "\(sql)"
                """.write(toFile: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
            return [script]
        }
    }

    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await withTestPostgres { production in
            let connection = try await production.connect()
            try await AppDrillTests.seedShop(on: connection, orders: 300, endingAt: Date())
            connection.close()
            let dump = scratch.file("shop.dump")
            try await production.dump(to: dump, format: .custom)
            let checks = [CheckSpec(index: 0, location: SourceLocation(line: 1, column: 1), kind: .invoiceSequence(
                InvoiceSequenceCheckSpec(table: "invoices", column: "number", series: "series", latest: .manifest))),
                          CheckSpec(index: 1, location: SourceLocation(line: 1, column: 1), kind: .money(
                MoneyCheckSpec(columns: [ColumnReference(table: "orders", column: "total_cents")],
                               currencyColumn: ColumnReference(table: "orders", column: "currency"), totals: .manifest)))]
            let manifest = scratch.file("manifest.json")
            try JSONEncoder.drill.encode(try await ManifestTaker(connection: production.parameters, checks: checks).take())
                .write(to: URL(fileURLWithPath: manifest))
            try await body(Fixture(scratch: scratch, dump: dump, manifest: manifest, refstore: try HarnessBinary.path("refstore")))
        }
    }

    @Test func aHealthyUpgradePassesWithItsBaselineMigrationsAndTestOrder() async throws {
        try await withFixture { fixture in
            let record = try await fixture.gate()
            #expect(record.verdict == .pass, "\(record.outline)\n\(record.summary)")
            #expect(record.steps.map(\.id.rawValue) == ["plan", "prepare", "target", "restore", "master_key", "app", "baseline", "migrate", "upgraded_app", "rollback"])
            let upgrade = try #require(record.upgrade)
            #expect(upgrade.before?.version == "1.0.0")
            #expect(upgrade.after?.version == "2.0.0")
            #expect(upgrade.applied?.map(\.id) == ["12 customer_name_parts", "13 drop_customer_name"])
            #expect(upgrade.applied?.allSatisfy { $0.seconds != nil } == true, "RefStore prints each migration's time: \(upgrade.applied ?? [])")
            #expect(upgrade.secondRunApplied == [])
            #expect(record.step(.migrate)?.message?.hasSuffix("a second run applied nothing") == true, "\(record.step(.migrate)?.message ?? "")")
            let kept = try #require(record.checks.first { $0.id == UpgradeChecks.keptID })
            #expect(kept.verdict == .pass, "\(kept.message ?? "")")
            let commands = try #require(record.checks.first { $0.id == UpgradeChecks.commandsID })
            #expect(commands.message == "components unchanged up to version bumps (api 1.0.0 → api 2.0.0, invoices 1.0.0 → invoices 1.1.0)",
                    "\(commands.message ?? "")")
            let guardCheck = try #require(record.checks.first { $0.id == UpgradeChecks.guardID })
            #expect(guardCheck.verdict == .pass, "\(guardCheck.message ?? "")")
            #expect(guardCheck.message?.contains("is immutable") == true, "the guard's own words: \(guardCheck.message ?? "")")
            let order = try #require(record.checks.first { $0.kind == "test_order" })
            #expect(order.verdict == .pass, "the new version takes an order numbered latest + 1: \(order.message ?? "")")

            // The way back: a fresh restore of the same backup, 1.0.0 on it, timed on its own.
            let rollback = try #require(upgrade.rollback)
            #expect(rollback.verdict == .pass, "\(rollback.steps.map { "\($0.id): \($0.verdict) \($0.message ?? "")" })")
            #expect(rollback.steps.map(\.id.rawValue) == ["prepare", "target", "restore", "master_key", "app", "rollback_version"])
            #expect(rollback.steps.last?.message == "version 1.0.0")
            #expect((rollback.rtoSeconds ?? 0) > 0)
            #expect(record.summary.contains("; the way back rehearsed in "), "\(record.summary)")
            #expect(rollback.teardown?.leftovers == [])
            #expect(record.step(.rollback)?.message?.hasPrefix("the current version 1.0.0 is back on a fresh restore of the pre-upgrade backup in ") == true,
                    "\(record.step(.rollback)?.message ?? "")")
        }
    }

    @Test func aCommandWhoseOutputChangedBeyondVersionBumpsFailsTheGate() async throws {
        try await withFixture { fixture in
            // A component that went missing in the new version: `totp` is gone from its list.
            let lister = try fixture.write("components.sh", "#!/bin/sh\nprintf 'api 2.0.0\\ninvoices 1.1.0\\n'\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: lister)
            let record = try await fixture.gate(components: [lister])
            let commands = try #require(record.checks.first { $0.id == UpgradeChecks.commandsID })
            #expect(commands.verdict == .fail)
            #expect(commands.message == "components changed: line 3 'totp 1.0.0' is gone (more than a version bump)", "\(commands.message ?? "")")
            #expect(record.verdict == .fail)
        }
    }

    @Test func anAppThatMigratesItselfIsRecordedAndRestartedOnceToProveItIdempotent() async throws {
        try await withFixture { fixture in
            let record = try await fixture.gate(selfMigrating: true)
            #expect(record.verdict == .pass, "\(record.outline)")
            #expect(record.step(.migrate)?.message?.hasPrefix("the new version migrates itself when it starts") == true)
            #expect(record.upgrade?.applied?.map(\.id) == ["12 customer_name_parts", "13 drop_customer_name"])
            #expect(record.upgrade?.secondRunApplied == [])
            #expect(record.step(.upgradedApp)?.evidence.contains("restarted: applied nothing and changed nothing the second time") == true)
        }
    }

    @Test func anAppThatMigratesItselfButNotIdempotentlyFailsAtItsRestart() async throws {
        try await withFixture { fixture in
            // Start-up work the app does not record: seed data inserted at every start, and a
            // column added without IF NOT EXISTS. Each passes the first start and betrays itself
            // at the second.
            let faults: [(String, String, String)] = [
                ("re-seeds at every start",
                 "INSERT INTO products (sku, name, price_cents, currency) SELECT 'WELCOME-' || count(*), 'Welcome gift', 0, 'EUR' FROM products",
                 "the migrations are not idempotent: restarting the new version public.products: "),
                ("fails the second time",
                 "ALTER TABLE orders ADD COLUMN gift_note text",
                 "the migrations are not idempotent: the new version did not come up again when restarted: "),
            ]
            for (name, sql, words) in faults {
                let script = try fixture.write("start-\(UUID().uuidString.prefix(8)).sh", """
                    #!/bin/sh
                    set -e
                    psql -v ON_ERROR_STOP=1 -q -c "\(sql)"
                    exec '\(fixture.refstore)' serve --release 2 --migrate-on-start --http-port "$1"
                    """)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
                let record = try await fixture.gate(start: [script, "{{port}}"], selfMigrating: true)
                #expect(record.verdict == .fail, "\(name): \(record.outline)")
                let message = record.step(.upgradedApp)?.message ?? "(none)"
                #expect(message.hasPrefix(words), "\(name): \(message)")
                #expect(!message.contains(AppBoot.keyHint), "\(name): \(message)")
                #expect(record.upgrade?.applied?.map(\.id) == ["12 customer_name_parts", "13 drop_customer_name"], "\(name): the first start's migrations are recorded")
                #expect(record.checks.allSatisfy { $0.verdict == .skipped }, "\(name): no check runs on an upgrade that failed")
                #expect(record.teardown?.leftovers == [], "\(name)")
            }
        }
    }

    @Test func migrationsTheNewVersionAppliesAsItStartsAreNotCreditedToTheMigrateCommand() async throws {
        try await withFixture { fixture in
            // As MLflow 3's server does: a migrate command that found nothing to do (here it does
            // nothing), and a new version that migrates its store as it starts.
            // Its version read from a bare-text `/version`, as MLflow answers it.
            let record = try await fixture.gate(migrate: ["/bin/true"],
                                                start: [fixture.refstore, "serve", "--release", "2", "--migrate-on-start", "--http-port", "{{port}}"],
                                                textVersion: true)
            #expect(record.verdict == .pass, "\(record.outline)")
            #expect(record.upgrade?.applied?.isEmpty == true)
            #expect(record.upgrade?.appliedAtStart == ["12 customer_name_parts", "13 drop_customer_name"])
            #expect(record.step(.upgradedApp)?.message?.hasSuffix("; it applied 2 migrations as it started, beyond the migrate command") == true,
                    "\(record.step(.upgradedApp)?.message ?? "")")
            #expect(record.step(.upgradedApp)?.evidence.contains("restarted: applied nothing and changed nothing the second time") == true)
            #expect(record.upgrade?.before?.version == "1.0.0" && record.upgrade?.after?.version == "2.0.0")
        }
    }

    @Test func aPreUpgradeBackupThatDoesNotRestoreFailsTheGateBeforeAnyMigration() async throws {
        try await withFixture { fixture in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.dump))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: fixture.dump))
            let record = try await fixture.gate()
            #expect(record.verdict != .pass)
            #expect(record.step(.restore)?.verdict == .fail || record.step(.prepare)?.verdict != .pass, "\(record.outline)")
            #expect(record.step(.migrate)?.verdict == .skipped, "no migration runs on a backup that did not restore: \(record.outline)")
            #expect(record.step(.rollback) == nil, "no way back to rehearse from a backup that does not restore")
            #expect(record.teardown?.leftovers == [])
        }
    }

    @Test func eachFaultyUpgradeIsCaughtByName() async throws {
        try await withFixture { fixture in
            let faults: [(String, [String]?, [String]?, String, (DrillRecord) -> String?)] = [
                ("loses rows", try fixture.faultyMigration("ALTER TABLE invoices DISABLE TRIGGER USER; DELETE FROM order_lines WHERE id % 10 = 0; ALTER TABLE invoices ENABLE TRIGGER USER"), nil,
                 "the upgrade lost or changed data: public.order_lines:", { $0.checks.first { $0.id == UpgradeChecks.keptID }?.message }),
                ("turns money into a float", try fixture.faultyMigration("ALTER TABLE orders ALTER COLUMN total_cents TYPE double precision"), nil,
                 "double precision", { $0.checks.first { $0.kind == "money" }?.message }),
                ("drops the immutability trigger", try fixture.faultyMigration("DROP TRIGGER IF EXISTS invoices_immutable ON invoices"), nil,
                 "the immutability guard on invoices no longer fires: a DELETE of a row went through", { $0.checks.first { $0.id == UpgradeChecks.guardID }?.message }),
                ("is not idempotent", try fixture.faultyMigration("INSERT INTO schema_migrations (version, name) SELECT coalesce(max(version), 0) + 1, 'again' FROM schema_migrations"), nil,
                 "the migrations are not idempotent", { $0.step(.migrate)?.message }),
                ("resets an invoice counter", try fixture.faultyMigration("UPDATE invoice_counters SET next_value = 1"), nil,
                 "invoices_series_number_key", { $0.checks.first { $0.kind == "test_order" }?.message }),
                ("never becomes healthy", nil, ["/bin/sh", "-c", "echo 'refstore 2.0.0: cannot start' >&2; exit 1"],
                 "the new version did not come up on the migrated copy: ", { $0.step(.upgradedApp)?.message }),
                // 1.0.0 on the migrated schema refuses it, in its own line (compose shows the version mismatch itself).
                ("still runs the old version", nil, [fixture.refstore, "serve", "--release", "1", "--http-port", "{{port}}"],
                 "schema refused: the database's schema (version 13) is newer than refstore 1.0.0 knows (11)", { $0.step(.upgradedApp)?.message }),
            ]
            for (name, migrate, start, words, message) in faults {
                let record = try await fixture.gate(migrate: migrate, start: start)
                #expect(record.verdict == .fail, "\(name): a bad upgrade is a failure, never an error: \(record.outline)")
                let text = message(record) ?? "(none)"
                #expect(text.contains(words), "\(name): \(text)\n\(record.outline)")
                #expect(!text.contains(AppBoot.keyHint), "the key booted the current version: no hint about it, \(name)")
                #expect(record.teardown?.leftovers == [], "\(name)")
            }
        }
    }
}
