import Foundation
@testable import DrillKit
import RefStoreKit
import Testing

/// The scenarios shipped for the seed systems' shapes, run as an operator runs them, on a
/// healthy backup and on one broken the way that shape breaks.
@Suite(.serialized, .timeLimit(.minutes(10))) struct SeedScenarioTests {
    /// ecommus (seed 001): four services side by side; the plugin list production printed.
    @Test func ecommusMonthlyPassesAndNamesAServiceThatDoesNotComeUpAndAPluginListThatDiffers() async throws {
        let shipped = try ShippedScenario("ecommus-monthly.yml")
        defer { shipped.remove() }
        try await shipped.takeBackup()
        let healthy = try await shipped.drill()
        #expect(healthy.verdict == .pass, "\(healthy.outline)\n\(healthy.summary)")
        #expect(healthy.step("app")?.message?.hasPrefix("4 processes up: api on 127.0.0.1:") == true, "\(healthy.step("app")?.message ?? "")")
        #expect(healthy.checks.first { $0.kind == "command" }?.message?.hasSuffix("ended with exit code 0, output as expected") == true)
        #expect(healthy.teardown?.leftovers == [])

        // Production's install had a plugin the drill's does not.
        try await shipped.takeBackup(records: ["plugins": "printf 'api 1.0.0\\ninvoices 1.0.0\\nloyalty 0.9.1\\ntotp 1.0.0\\n'"])
        let plugins = try await shipped.drill()
        let command = try #require(plugins.checks.first { $0.kind == "command" })
        #expect(command.verdict == .fail, "\(plugins.outline)")
        #expect(command.message?.hasSuffix("; 1 line gone:\n- loyalty 0.9.1") == true, "\(command.message ?? "")")

        // A backup of a store already on 2.0: every service refuses the schema; the first is named.
        try await shipped.takeBackup { production in _ = try await RefStore.migrate(on: production, to: .two) }
        let newer = try await shipped.drill()
        let boot = try #require(newer.step("app"))
        #expect(boot.verdict == .error, "\(newer.outline)")
        // All four refuse it at once; which exit is seen first is the host's timing (admin's, on a loaded CI host).
        #expect(boot.message?.contains(/^the process (api|admin|super-admin|storefront) exited \(exit code 78\) before http:\/\/127\.0\.0\.1:/) == true,
                "\(boot.message ?? "")")
        #expect(boot.message?.contains("schema refused") == true, "its own words are quoted: \(boot.message ?? "")")
        #expect(newer.teardown?.leftovers == [])
    }

    /// NestFleet (seed 002): the API migrates itself as it starts; its health says its version.
    @Test func nestfleetMonthlyPassesAndSaysWhenTheBackupIsOlderThanTheVersionThatRuns() async throws {
        let shipped = try ShippedScenario("nestfleet-monthly.yml")
        defer { shipped.remove() }
        try await shipped.takeBackup()
        let healthy = try await shipped.drill()
        #expect(healthy.verdict == .pass, "\(healthy.outline)\n\(healthy.summary)")
        #expect(healthy.checks.first { $0.id == AppStartChecks.versionID }?.message == "the app reports version 1.0.0")

        // A backup from before the last migration: the boot applies it, which the drill says plainly.
        try await shipped.takeBackup { production in
            _ = try await production.query("DROP TABLE users")
            _ = try await production.query("DELETE FROM schema_migrations WHERE version = 11")
        }
        let older = try await shipped.drill()
        let migrations = try #require(older.checks.first { $0.id == AppStartChecks.migrationsID })
        #expect(migrations.verdict == .fail, "\(older.outline)")
        #expect(migrations.message?.hasPrefix("the app applied 1 migration as it started (11 users): the backup is older than the version that runs now") == true,
                "\(migrations.message ?? "")")
        #expect(older.exitCode == 1)
    }

    /// ecommus's upgrade procedure, and its rollback the guide's way, in place.
    @Test func ecommusUpgradeGatePassesWithItsInPlaceRollback() async throws {
        let shipped = try ShippedScenario("ecommus-upgrade-local.yml")
        defer { shipped.remove() }
        // Production runs 1.0.0: its lister, not the check's (the new install's), is what the manifest records.
        try await shipped.takeBackup(records: ["plugins": "../.build/debug/refstore components --release 1"])
        let gate = try await shipped.drill()
        #expect(gate.verdict == .pass, "\(gate.outline)\n\(gate.summary)")
        #expect(gate.step(.upgradedApp)?.message?.contains("4 processes up") == true, "\(gate.step(.upgradedApp)?.message ?? "")")
        #expect(gate.checks.first { $0.id == UpgradeChecks.commandsID }?.message?.hasPrefix("plugins unchanged up to version bumps") == true)
        let plugins = try #require(gate.checks.first { $0.kind == "command" })
        #expect(plugins.message?.hasSuffix("output equal to what production printed (recorded as plugins) up to 2 version bumps "
                                           + "(api 1.0.0 → api 2.0.0; invoices 1.0.0 → invoices 1.1.0)") == true, "\(plugins.message ?? "")")
        let back = try #require(gate.upgrade?.rollback)
        #expect(back.way == "in_place")
        #expect(back.verdict == .pass, "\(back.steps.map { "\($0.id): \($0.message ?? "")" })")
        #expect(gate.teardown?.leftovers == [])
    }

    /// StoreIT (seed 004): the store is one SQLite file, drilled from a backup taken in the manifest's snapshot.
    @Test func storeitMonthlyPassesAndNamesARealInIntegerCentsAndABackupOfANewerVersion() async throws {
        let shipped = try ShippedScenario("storeit-monthly.yml")
        defer { shipped.remove() }
        try await shipped.takeSQLiteBackup()
        let healthy = try await shipped.drill()
        #expect(healthy.verdict == .pass, "\(healthy.outline)\n\(healthy.summary)")
        #expect(healthy.step(.restore)?.message?.contains("integrity_check ok, foreign keys hold, 5 tables") == true)
        #expect(healthy.environment?.serverVersion?.hasPrefix("SQLite 3.") == true)
        #expect(healthy.checks.first { $0.kind == "http" }?.verdict == .pass)
        #expect(healthy.teardown?.leftovers == [])

        // An app that wrote a float: SQLite kept it in the INTEGER column, and production's manifest agrees with the backup.
        try await shipped.takeSQLiteBackup(breakIt: "UPDATE orders SET total_cents = total_cents + 0.5 WHERE id = 17;")
        let real = try await shipped.drill()
        let money = try #require(real.checks.first { $0.kind == "money" })
        #expect(money.verdict == .fail, "\(real.outline)")
        #expect(money.message?.contains("orders.total_cents holds 1 value stored as real") == true, "\(money.message ?? "")")

        // A backup of a store already on 2.0.0: the version that runs refuses its schema, in its own words.
        try await shipped.takeSQLiteBackup(release: "2.0.0")
        let newer = try await shipped.drill()
        let boot = try #require(newer.step("app"))
        #expect(boot.verdict == .error, "\(newer.outline)")
        #expect(boot.message?.contains("schema version mismatch: database has 2, binary expects 1") == true, "\(boot.message ?? "")")
        #expect(newer.teardown?.leftovers == [])
    }
}
