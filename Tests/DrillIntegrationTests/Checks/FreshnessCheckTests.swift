import Foundation
@testable import DrillKit
import Testing

/// A fresh file of stale data: the dump is taken now, every row is a year old. The freshness
/// check fails it with both times, and the RPO is measured from the data, not the file.
@Suite struct FreshnessCheckTests {
    static func shop(newestRowAge: String) -> String {
        """
        CREATE TABLE orders (id bigserial PRIMARY KEY, total_cents bigint NOT NULL, created_at timestamptz NOT NULL);
        INSERT INTO orders (total_cents, created_at) SELECT g, now() - interval '\(newestRowAge)' - g * interval '1 minute' FROM generate_series(1, 500) g;
        CREATE TABLE invoices (id bigserial PRIMARY KEY, issued_on date);
        INSERT INTO invoices (issued_on) SELECT NULL FROM generate_series(1, 3);
        """
    }

    static func drill(_ dump: String, in scratch: ScratchFolder) async -> DrillRecord {
        let freshness = CheckKind.freshness(FreshnessCheckSpec(columns: [ColumnReference(table: "orders", column: "created_at")],
                                                               toleranceSeconds: 24 * 3600))
        return await DrillRunner(scenario: .testScenario(dump: dump, checks: [freshness], reportDirectory: scratch.path)).run()
    }

    @Test func freshDataPassesAndTheRPOIsMeasuredFromIt() async throws {
        try await withProductionDump(sql: Self.shop(newestRowAge: "10 minutes")) { dump, scratch in
            let record = await Self.drill(dump, in: scratch)
            #expect(record.verdict == .pass, "\(record.outline)")
            let check = record.checks[0]
            #expect(check.message?.hasPrefix("the newest data is ") == true && check.message?.contains("(orders.created_at)") == true,
                    "\(check.message ?? "")")
            #expect(check.dataAsOf?.column == "orders.created_at")
            let rpo = try #require(record.rpo)
            #expect(rpo.basis.hasPrefix("drill start minus the newest data (orders.created_at, "), "\(rpo.basis)")
            #expect((rpo.measuredSeconds ?? 0) >= 600, "the data is older than the file: \(rpo.measuredSeconds ?? -1)")
            #expect(rpo.verdict == .pass)
        }
    }

    @Test func aFreshFileOfStaleDataFailsWithBothTimesAndMissesItsRPO() async throws {
        try await withProductionDump(sql: Self.shop(newestRowAge: "365 days")) { dump, scratch in
            let record = await Self.drill(dump, in: scratch)
            let check = record.checks[0]
            #expect(check.verdict == .fail, "\(record.outline)")
            let message = try #require(check.message)
            #expect(message.hasPrefix("the newest data is "), "\(message)")
            #expect(message.contains("before the backup's data stops ("), "\(message)")
            #expect(message.contains("the backup holds stale data"), "\(message)")
            #expect(message.contains(ISO8601.day(Date().addingTimeInterval(-365 * 86400))), "the data's own day: \(message)")
            #expect(message.contains(ISO8601.day(Date())), "the dump's day: \(message)")
            #expect(record.rpo?.verdict == .fail, "a year-old backup's RPO is not met however fresh its file: \(record.rpo?.basis ?? "")")
            #expect((record.rpo?.measuredSeconds ?? 0) > 364 * 86400)
            #expect(record.verdict == .fail)
        }
    }

    @Test func aColumnWithNoValueSaysNothingAndIsNeverAPass() async throws {
        try await withProductionDump(sql: Self.shop(newestRowAge: "10 minutes")) { dump, scratch in
            let check = CheckKind.freshness(FreshnessCheckSpec(columns: [ColumnReference(table: "invoices", column: "issued_on")]))
            let record = await DrillRunner(scenario: .testScenario(dump: dump, checks: [check], reportDirectory: scratch.path)).run()
            #expect(record.checks[0].verdict == .error, "\(record.outline)")
            #expect(record.checks[0].message == "invoices.issued_on holds no value, so it says nothing of how new the data is")
            #expect(record.rpo?.basis.contains("drill start minus the dump's creation time") == true, "no data age measured: \(record.rpo?.basis ?? "")")
        }
    }
}
