import Foundation
@testable import DrillKit
import Testing

/// What a manifest cannot see: production itself shrinking, or a catalog that lost an index,
/// when no manifest was taken. The volume and schema checks compare with this scenario's
/// earlier good drills in its reports folder; a first drill has nothing to compare with and
/// says so, and none of it fires on a healthy backup.
@Suite(.serialized) struct HistoryBaselineTests {
    static let shop = smallShopSQL + """

        CREATE INDEX orders_currency_idx ON orders (currency);
        CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'immutable'; END $$;
        CREATE TRIGGER orders_immutable BEFORE DELETE ON orders FOR EACH ROW EXECUTE FUNCTION refuse_change();
        """

    static let checks: [CheckKind] = [
        .sql(SQLCheckSpec(name: "orders exist", query: "SELECT count(*) FROM orders", expect: Comparison(op: .greater, operand: "0"))),
        .volume(VolumeCheckSpec(tables: ["customers", "orders"], money: [ColumnReference(table: "orders", column: "total_cents")])),
        .schema(SchemaCheckSpec()),
    ]

    /// A drill of `dump` whose record lands in `reports`, where the next drill finds it.
    static func drill(_ dump: String, reports: String) async throws -> DrillRecord {
        let record = await DrillRunner(scenario: .testScenario(dump: dump, checks: checks, reportDirectory: reports)).run()
        try ReportWriter.write(record, to: reports, formats: [.json])
        return record
    }

    static func check(_ record: DrillRecord, _ kind: String) throws -> CheckRecord {
        try #require(record.checks.first { $0.kind == kind })
    }

    @Test func aFirstDrillSetsTheBaselineAndLaterDrillsCatchLostVolumeGrowthAndAMissingIndex() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let reports = scratch.file("reports")
        try await withTestPostgres { production in
            try await production.execute(Self.shop)
            func dump(_ name: String, after sql: String? = nil) async throws -> String {
                let database = "copy_\(name)"
                try await production.execute("CREATE DATABASE \(database) TEMPLATE \(production.database)")
                if let sql {
                    let copy = try await production.connect(database: database)
                    try await copy.execute(script: sql)
                    copy.close()
                }
                let path = scratch.file("\(name).dump")
                try await TestPostgres(cluster: production.cluster, database: database).dump(to: path, format: .custom)
                return path
            }
            let healthy = try await dump("healthy")

            // The first drill: nothing to compare with, said plainly, never a pass.
            let first = try await Self.drill(healthy, reports: reports)
            #expect(first.verdict == .pass, "\(first.outline)\n\(first.summary)")
            #expect(first.summary.contains("had no earlier drill to compare with (volume, schema): this drill is their first baseline"), "\(first.summary)")
            #expect(first.rto?.verdict == .pass, "a comparison with nothing to compare with does not stop the drill recovering")
            let firstVolume = try Self.check(first, "volume")
            #expect(firstVolume.verdict == .skipped, "\(firstVolume.message ?? "")")
            #expect(firstVolume.message?.contains("nothing to compare with yet: if this drill passes, its figures") == true, "\(firstVolume.message ?? "")")
            #expect(firstVolume.measurements?["rows public.orders"] == 2000)
            #expect(firstVolume.measurements?["total public.orders.total_cents"] != nil)
            let firstSchema = try Self.check(first, "schema")
            #expect(firstSchema.verdict == .skipped, "\(firstSchema.message ?? "")")
            #expect(firstSchema.message?.contains("if this drill passes, its schema is the first reference") == true, "\(firstSchema.message ?? "")")
            #expect(first.schema?.objects.contains { $0.kind == .trigger && $0.name == "orders_immutable" } == true)

            // A second healthy drill compares with the first, and nothing fires.
            let second = try await Self.drill(healthy, reports: reports)
            #expect(second.verdict == .pass, "\(second.outline)")
            let secondVolume = try Self.check(second, "volume"), secondSchema = try Self.check(second, "schema")
            #expect(secondVolume.verdict == .pass)
            #expect(secondVolume.message?.hasPrefix("volume like the last good drills: public.customers 200 (+0%") == true, "\(secondVolume.message ?? "")")
            #expect(secondSchema.message?.hasPrefix("the restored schema equals the last good drill's schema (") == true, "\(secondSchema.message ?? "")")

            // Production cut to 1 % of its rows: the backup agrees with it, history does not.
            let cut = try await dump("cut", after: """
                ALTER TABLE orders DISABLE TRIGGER orders_immutable;
                DELETE FROM orders WHERE id % 100 <> 0;
                DELETE FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id);
                ALTER TABLE orders ENABLE TRIGGER orders_immutable;
                """)
            let shrunk = try await Self.drill(cut, reports: reports)
            let lost = try Self.check(shrunk, "volume")
            #expect(lost.verdict == .fail, "\(shrunk.outline)")
            let message = try #require(lost.message)
            #expect(message.contains("public.orders: 20, 99% fewer than the median of the last 2 good drills"), "\(message)")
            #expect(message.contains("beyond the 10% drop threshold"), "\(message)")
            #expect(message.contains("public.orders.total_cents total"), "money totals are compared too: \(message)")
            let shrunkSchema = try Self.check(shrunk, "schema")
            #expect(shrunkSchema.verdict == .pass, "the catalog is intact: \(shrunk.outline)")
            #expect(shrunk.verdict == .fail)

            // The failed drill is no baseline: data restored three times over still compares with the good ones.
            let tripled = try await dump("tripled", after: """
                INSERT INTO orders (customer_id, currency, total_cents) SELECT customer_id, currency, total_cents FROM orders;
                INSERT INTO orders (customer_id, currency, total_cents) SELECT customer_id, currency, total_cents FROM orders WHERE id <= 2000;
                """)
            let grown = try Self.check(try await Self.drill(tripled, reports: reports), "volume")
            #expect(grown.verdict == .fail)
            #expect(grown.message?.contains("public.orders: 6000, +200% on the median of the last 2 good drills") == true, "\(grown.message ?? "")")
            #expect(grown.message?.contains("beyond the 100% growth ceiling") == true, "\(grown.message ?? "")")

            // No manifest: a lost index is named against the last good drill's catalog.
            let noIndex = try await dump("no_index", after: "DROP INDEX orders_currency_idx")
            let unindexed = try await Self.drill(noIndex, reports: reports)
            let schema = try Self.check(unindexed, "schema")
            #expect(schema.verdict == .fail, "\(unindexed.outline)")
            #expect(schema.message?.hasPrefix("the restored schema differs from the last good drill's schema (") == true, "\(schema.message ?? "")")
            #expect(schema.message?.contains("(1 missing): missing index public.orders_currency_idx on public.orders") == true, "\(schema.message ?? "")")
            let unindexedVolume = try Self.check(unindexed, "volume")
            #expect(unindexedVolume.verdict == .pass, "the rows are all there: \(unindexed.outline)")
        }
    }
}
