import Foundation
@testable import DrillKit
import Testing

/// NestFleet's shape: an app that migrates itself as it starts and reports its version in
/// health. On the version the backup was taken under, the boot applies nothing and the
/// version matches; a newer app on the same backup migrates it, which the drill says plainly
/// (the backup is older than what runs); a version other than the one expected is named.
@Suite(.timeLimit(.minutes(10))) struct AppStartDrillTests {
    static let table = MigrationsTable(table: "schema_migrations", id: "version", name: "name")

    static func version(_ expected: String) -> VersionProbe {
        VersionProbe(url: "http://{{api:3000}}/health", to: expected)
    }

    @Test func aBootThatMigratesTheBackupOrReportsAnotherVersionIsNamedAndTheMatchingOnePasses() async throws {
        try await AppDrillTests().withFixture { fixture in
            let key = MasterKeySpec(source: .file(try fixture.write("key-a", AppDrillTests.keyA)), install: .environment("MASTER_KEY"))
            let current = [fixture.refstore, "serve", "--http-port", "{{port}}"]
            let healthy = await fixture.drill(key: key, start: current, appMigrations: Self.table, appVersion: Self.version("1.0.0"))
            #expect(healthy.exitCode == 0, "\(healthy.outline)")
            let migrations = try #require(healthy.checks.first { $0.id == AppStartChecks.migrationsID })
            #expect(migrations.verdict == .pass)
            #expect(migrations.message == "the app applied no migration as it started: the backup is at the schema this version expects (11 entries in its migrations table)",
                    "\(migrations.message ?? "")")
            #expect(healthy.checks.first { $0.id == AppStartChecks.versionID }?.message == "the app reports version 1.0.0")
            #expect(healthy.step("app")?.evidence.contains("applied at start-up: none") == true)
            #expect(healthy.appStart?.before?.count == 11)

            let newer = [fixture.refstore, "serve", "--release", "2", "--migrate-on-start", "--http-port", "{{port}}"]
            let older = await fixture.drill(key: key, start: newer, appMigrations: Self.table, appVersion: Self.version("2.0.0"))
            let applied = try #require(older.checks.first { $0.id == AppStartChecks.migrationsID })
            #expect(applied.verdict == .fail, "\(older.outline)")
            #expect(applied.message?.hasPrefix("the app applied 2 migrations as it started (12 customer_name_parts, 13 drop_customer_name): "
                                               + "the backup is older than the version that runs now") == true, "\(applied.message ?? "")")
            #expect(older.checks.first { $0.id == AppStartChecks.versionID }?.verdict == .pass)
            #expect(older.exitCode == 1)

            let other = await fixture.drill(key: key, start: current, appMigrations: Self.table, appVersion: Self.version("1.4.0"))
            let version = try #require(other.checks.first { $0.id == AppStartChecks.versionID })
            #expect(version.verdict == .fail)
            #expect(version.message == "the app reports version 1.0.0, expected 1.4.0: the version the scenario drills is not the one that ran",
                    "\(version.message ?? "")")
            #expect(other.checks.first { $0.id == AppStartChecks.migrationsID }?.verdict == .pass)
            #expect(other.teardown?.leftovers == [])

            // A misspelt table is a check that could not run, never "nothing applied".
            let misspelt = await fixture.drill(key: key, start: current,
                                               appMigrations: MigrationsTable(table: "schema_migration", id: "version"))
            let unread = try #require(misspelt.checks.first { $0.id == AppStartChecks.migrationsID })
            #expect(unread.verdict == .error, "\(misspelt.outline)")
            #expect(unread.message == "the migrations table schema_migration does not exist, even after the app started: check app.migrations.table",
                    "\(unread.message ?? "")")
        }
    }
}
