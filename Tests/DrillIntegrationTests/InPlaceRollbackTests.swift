import Foundation
@testable import DrillKit
import Testing

/// ecommus's way back, rehearsed (`upgrade.rollback: in_place`): the new version stopped and
/// the pre-upgrade dump restored with `pg_restore --clean --if-exists --no-owner` onto the
/// upgraded database. RefStore 2.0's migrations only change tables the dump holds, so
/// `--clean` takes them back and the result equals the baseline; a migration that adds a table
/// of its own leaves it behind, named; one whose new table points at a restored one makes the
/// drop itself fail, and pg_restore's errors are named too.
@Suite(.serialized, .timeLimit(.minutes(10))) struct InPlaceRollbackTests {
    @Test func theCleanRestoreOntoTheUpgradedDatabasePassesAndWhatTheUpgradeLeftBehindIsNamed() async throws {
        try await UpgradeGateTests().withFixture { fixture in
            // The integrity check installs amcheck on the upgraded copy: the drill's, not a leftover.
            let healthy = try await fixture.gate(rollbackWay: .inPlace, extraChecks: [.integrity(IntegrityCheckSpec(budgetSeconds: 60))])
            #expect(healthy.verdict == .pass, "\(healthy.outline)\n\(healthy.summary)")
            #expect(healthy.steps.map(\.id.rawValue) == ["plan", "prepare", "target", "restore", "master_key", "app", "baseline", "migrate",
                                                         "upgraded_app", "rollback"])
            let back = try #require(healthy.upgrade?.rollback)
            #expect(back.way == "in_place")
            #expect(back.steps.map(\.id.rawValue) == ["rollback_restore", "app", "rollback_version", "rollback_compare"],
                    "\(back.steps.map { "\($0.id): \($0.verdict) \($0.message ?? "")" })")
            #expect(back.steps[0].evidence.first?.contains("pg_restore --clean --if-exists --no-owner --no-privileges --dbname") == true,
                    "\(back.steps[0].evidence)")
            #expect(back.steps[3].message?.hasPrefix("the result equals the baseline: ") == true, "\(back.steps[3].message ?? "")")
            #expect(back.steps[3].evidence.contains { $0.hasPrefix("made by the drill's own checks, not counted: extension amcheck") },
                    "\(back.steps[3].evidence)")
            #expect(back.steps[2].message == "version 1.0.0")
            #expect(healthy.step(.rollback)?.evidence.contains { $0.hasPrefix("new version's log: refstore 2.0.0 listening on") } == true,
                    "the stopped version's last words are kept: \(healthy.step(.rollback)?.evidence ?? [])")
            #expect(back.leftovers == nil)
            #expect((back.rtoSeconds ?? 0) > 0)
            #expect(healthy.step(.rollback)?.message?.hasPrefix("pg_restore --clean onto the upgraded database gave back the pre-upgrade schema and data, "
                                                               + "and the current version 1.0.0 is up on it in ") == true,
                    "\(healthy.step(.rollback)?.message ?? "")")
            #expect(healthy.teardown?.leftovers == [], "the rolled-back app and the copy are gone")
            let markdown = MarkdownReport.render(healthy)
            #expect(markdown.contains("In place, as the upgrade guide rolls back"), "the report says which way back")

            // A migration that adds a table of its own: --clean never drops it.
            let added = try fixture.faultyMigration("CREATE TABLE IF NOT EXISTS loyalty_points (customer_id bigint NOT NULL, points integer NOT NULL DEFAULT 0)")
            let leftover = try await fixture.gate(migrate: added, rollbackWay: .inPlace)
            #expect(leftover.checks.allSatisfy { $0.verdict == .pass }, "the upgrade itself kept everything: \(leftover.outline)")
            let step = try #require(leftover.step(.rollback))
            #expect(step.verdict == .fail, "\(leftover.outline)")
            #expect(step.findings.map(\.code) == ["rollback-leftovers"])
            #expect(leftover.upgrade?.rollback?.leftovers == ["table public.loyalty_points (with 2 dependent objects)"], "\(leftover.upgrade?.rollback?.leftovers ?? [])")
            #expect(step.message == "the way back in place failed at rollback_compare: the result is not the pre-upgrade backup: "
                    + "left behind: table public.loyalty_points (with 2 dependent objects)", "\(step.message ?? "")")
            #expect(leftover.upgrade?.rollback?.steps.first { $0.id == .app }?.verdict == .pass, "1.0.0 still boots beside the leftover")
            #expect(leftover.exitCode == 1)
            #expect(leftover.summary.contains("rollback"), "the headline names the way back: \(leftover.summary)")

            // Its new table points at customers: dropping customers fails, and the old rows load beside the new ones.
            let tied = try fixture.faultyMigration("CREATE TABLE IF NOT EXISTS loyalty_points (customer_id bigint NOT NULL REFERENCES customers(id), points integer)")
            let entangled = try await fixture.gate(migrate: tied, rollbackWay: .inPlace)
            let failed = try #require(entangled.step(.rollback))
            #expect(failed.verdict == .fail)
            #expect(failed.findings.map(\.code).contains("rollback-restore-errors"), "\(failed.findings.map(\.code))")
            #expect(failed.findings.map(\.code).contains("rollback-leftovers"))
            #expect(failed.message?.contains("cannot drop table public.customers because other objects depend on it") == true
                    || failed.findings.first { $0.code == "rollback-restore-errors" }?.detail?.contains("cannot drop") == true,
                    "\(failed.message ?? "")\n\(failed.findings.map { $0.detail ?? "" })")
            #expect(entangled.teardown?.leftovers == [])
        }
    }
}

/// The way back in place on a schema not written for RefStore: monthly partitions (whose keys
/// `--clean` cannot drop one by one, on any such schema) and a new version that adds only a
/// schema, a view, an enum, a function and a column to a table the dump holds.
@Suite(.serialized, .timeLimit(.minutes(10))) struct InPlaceRollbackOnPartitionsTests {
    static let productionSQL = """
        CREATE TABLE rentals (id bigint NOT NULL, rented_at date NOT NULL, amount_cents bigint NOT NULL,
                              PRIMARY KEY (id, rented_at)) PARTITION BY RANGE (rented_at);
        CREATE TABLE rentals_2026_10 PARTITION OF rentals FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
        CREATE TABLE rentals_2026_11 PARTITION OF rentals FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
        CREATE TABLE rentals_2026_12 PARTITION OF rentals FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');
        INSERT INTO rentals SELECT g, DATE '2026-10-01' + (g % 90), 100 * g FROM generate_series(1, 300) g;
        CREATE TABLE films (id serial PRIMARY KEY, title text NOT NULL);
        INSERT INTO films (title) SELECT 'Film ' || g FROM generate_series(1, 40) g;
        """

    static func gate(_ dump: String, migrate: [String], in scratch: ScratchFolder) async throws -> DrillRecord {
        let site = scratch.file("site")
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        try "ok\n".write(toFile: site + "/index.html", atomically: true, encoding: .utf8)
        let serve = ["python3", "-m", "http.server", "{{port}}", "--bind", "127.0.0.1", "--directory", site]
        let ready = [ReadyProbe(http: HTTPProbe(url: "http://{{app:80}}/"), timeoutSeconds: 20)]
        var scenario = Scenario.testScenario(dump: dump, checks: [.sql(SQLCheckSpec(name: "rentals", query: "SELECT count(*) FROM rentals", expect: Comparison(op: .equal, operand: "300")))],
                                             reportDirectory: scratch.path)
        scenario.app = AppSpec(start: .command(serve), ready: ready)
        scenario.upgrade = UpgradeSpec(to: AppSpec(start: .command(serve), migrate: MigrateSpec(command: migrate), ready: ready),
                                       rollbackWay: .inPlace)
        return await DrillRunner(scenario: scenario).run()
    }

    @Test func partitionsNoiseIsSetApartAndFunctionsTypesAndSchemasLeftBehindAreNamed() async throws {
        try await withProductionDump(sql: Self.productionSQL) { dump, scratch in
            let unchanged = try await Self.gate(dump, migrate: ["true"], in: scratch)
            #expect(unchanged.verdict == .pass, "\(unchanged.outline)\n\(unchanged.summary)")
            let restore = try #require(unchanged.upgrade?.rollback?.steps.first)
            #expect(restore.verdict == .pass)
            #expect(restore.message?.contains("`cannot drop inherited constraint` errors on partitions aside, harmless") == true, "\(restore.message ?? "")")

            let newer = try scratch.write("newer.sql", """
                CREATE SCHEMA IF NOT EXISTS reporting;
                CREATE OR REPLACE VIEW reporting.rental_total AS SELECT sum(amount_cents) AS cents FROM public.rentals;
                DO $$ BEGIN CREATE TYPE public.tier AS ENUM ('bronze', 'gold'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
                CREATE OR REPLACE FUNCTION public.tier_of(bigint) RETURNS public.tier LANGUAGE sql AS $f$ SELECT 'gold'::public.tier $f$;
                ALTER TABLE films ADD COLUMN IF NOT EXISTS streaming boolean NOT NULL DEFAULT false;
                """)
            let added = try await Self.gate(dump, migrate: ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", newer], in: scratch)
            let back = try #require(added.upgrade?.rollback)
            #expect(back.verdict == .fail, "\(added.outline)")
            // The view keeps rentals from being dropped, so it stays as the upgrade left it; films is taken back, column and all.
            #expect(Set(back.leftovers ?? []) == ["view reporting.rental_total", "schema reporting", "enum type public.tier", "function public.tier_of(bigint)"],
                    "\(back.leftovers ?? [])")
            #expect(!(back.leftovers ?? []).contains { $0.contains("streaming") }, "the dump's films replaced the upgraded one")
        }
    }
}
