import Foundation
@testable import DrillKit
import Testing

/// What an auditor reads of a gate: both sides side by side, what the migrations did, whether
/// running them again changed anything, and the way back with its RTO.
@Suite struct MarkdownUpgradeTests {
    static func gateRecord(secondRun: [String] = []) -> DrillRecord {
        var record = ReportFixtures.passingDrill()
        var upgrade = UpgradeRecord()
        let taken = Date(timeIntervalSince1970: 1_782_000_000)
        upgrade.before = UpgradeFigures(version: "1.0.0",
                                        figures: Manifest(takenAt: taken, database: "shop", serverVersion: "15", rowCounts: ["public.orders": 300],
                                                          moneyTotals: ["orders.total_cents": ["EUR": 123_456]], invoiceLatest: ["invoices.number": ["2026": 41]]),
                                        databaseSizeBytes: 8_000_000, migrations: ["11 users"])
        upgrade.after = UpgradeFigures(version: "2.0.0",
                                       figures: Manifest(takenAt: taken, database: "shop", serverVersion: "17", rowCounts: ["public.orders": 300],
                                                         moneyTotals: ["orders.total_cents": ["EUR": 123_456]], invoiceLatest: ["invoices.number": ["2026": 41]]),
                                       databaseSizeBytes: 8_400_000, migrations: ["11 users", "12 customer_name_parts"])
        upgrade.applied = [AppliedMigrationRecord(id: "12 customer_name_parts", seconds: 0.041)]
        upgrade.firstRunSeconds = 0.2
        upgrade.secondRunApplied = secondRun
        upgrade.secondRunSeconds = 0.05
        upgrade.rollback = RollbackRecord(steps: [StepRecord(id: .target, title: "t", verdict: .pass, durationSeconds: 1.2, message: "PostgreSQL 15")],
                                          verdict: .pass, rtoSeconds: 1.85)
        record.upgrade = upgrade
        return record
    }

    @Test func bothSidesTheMigrationsAndTheWayBack() {
        let markdown = MarkdownReport.render(Self.gateRecord())
        #expect(markdown.hasPrefix("# Upgrade gate: "))
        #expect(markdown.contains("| Version | 1.0.0 | 2.0.0 |"), "\(markdown)")
        #expect(markdown.contains("| Rows in `public.orders` | 300 | 300 |"))
        #expect(markdown.contains("| Total of `orders.total_cents` in EUR (cents) | 123456 | 123456 |"))
        #expect(markdown.contains("| Latest `invoices.number` in series 2026 | 41 | 41 |"))
        #expect(markdown.contains("- `12 customer_name_parts`, 0.04s"), "\(markdown)")
        #expect(markdown.contains("**Idempotent**: the second run in 0.05s applied nothing and changed nothing."))
        #expect(markdown.contains("### The way back: PASS, RTO 1.85s"))
    }

    @Test func aSecondRunThatAppliedSomethingIsSaid() {
        let markdown = MarkdownReport.render(Self.gateRecord(secondRun: ["14 again"]))
        #expect(markdown.contains("**Not idempotent**: the second run in 0.05s applied `14 again`."), "\(markdown)")
        #expect(!markdown.contains("**Idempotent**"))
    }

    @Test func aTableThatKeepsOnlyTheHeadSaysSoRatherThanCountingOneMigration() {
        var record = Self.gateRecord()
        record.upgrade?.previousHead = "0584bdc529eb"
        record.upgrade?.applied = [AppliedMigrationRecord(id: "dc11669786a5")]
        let markdown = MarkdownReport.render(record)
        #expect(markdown.contains("The schema moved from revision `0584bdc529eb` to `dc11669786a5` (first run 0.20s). "
                                  + "The migrations table keeps only the current revision, so the steps between are not listed."), "\(markdown)")
        #expect(!markdown.contains("Migrations applied"))
    }

    @Test func migrationsTheNewVersionAppliedAsItStartedAreNamedApart() {
        var record = Self.gateRecord()
        record.upgrade?.applied = []
        record.upgrade?.appliedAtStart = ["dc11669786a5"]
        let markdown = MarkdownReport.render(record)
        #expect(markdown.contains("No migration was applied (first run 0.20s)."), "\(markdown)")
        #expect(markdown.contains("The new version applied `dc11669786a5` as it started, beyond what its migrate command applied."), "\(markdown)")
    }
}
