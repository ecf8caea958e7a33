import Foundation
import Testing
@testable import DrillKit

@Suite struct MoneyCheckTests {
    static let schema = """
        CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL, currency char(3) NOT NULL);
        CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL, unit_price_cents integer NOT NULL);
        INSERT INTO orders
            SELECT i, i * 100 + 99, (ARRAY['EUR', 'USD', 'GBP'])[i % 3 + 1] FROM generate_series(1, 300) AS i;
        INSERT INTO order_lines SELECT i, i % 300 + 1, 250 + i FROM generate_series(1, 600) AS i;
        """

    /// What production would have reported for `schema`, computed here rather than read back.
    static let production: Manifest = {
        var orderTotals: [String: Int64] = [:]
        for id in Int64(1)...300 {
            orderTotals[["EUR", "USD", "GBP"][Int(id % 3)], default: 0] += id * 100 + 99
        }
        let lineTotal = (Int64(1)...600).reduce(0) { $0 + 250 + $1 }
        return testManifest(moneyTotals: ["orders.total_cents": orderTotals, "order_lines.unit_price_cents": ["*": lineTotal]])
    }()

    static let columns = [ColumnReference(table: "orders", column: "total_cents"),
                          ColumnReference(table: "order_lines", column: "unit_price_cents")]
    static let currency = ColumnReference(table: "orders", column: "currency")
    static let order42 = MoneySpotCheck(table: "orders", whereEquals: [("id", .integer(42))], cents: 4299, currency: "EUR")

    static let everything = MoneyCheckSpec(columns: columns, currencyColumn: currency, totals: .manifest, spotChecks: [order42])

    @Test func passesOnHealthyData() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)
            let outcome = try await run(.money(Self.everything), on: db, manifest: Self.production)
            #expect(outcome.verdict == .pass, "\(outcome.message)")
            #expect(outcome.message == "2 columns of integer cents; orders.currency holds only ISO 4217 codes; "
                    + "totals match production in EUR, GBP, USD; 1 spot check matching")
            #expect(outcome.observations.allSatisfy { $0.ok })
            #expect(outcome.queries.contains { $0.contains("<> ALL ($1::text[])") })
            #expect(outcome.queries.contains { $0.contains("GROUP BY 1") && $0.contains("sum(\"total_cents\")") })
        }
    }

    @Test func aFloatOrFractionalMoneyColumnFailsAndScaleZeroNumericIsAccepted() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)
            let typesOnly = MoneyCheckSpec(columns: Self.columns)

            try await db.execute(script: "ALTER TABLE orders ALTER total_cents TYPE double precision")
            let float = try await run(.money(typesOnly), on: db)
            #expect(float.verdict == .fail)
            #expect(float.message.hasPrefix(
                "orders.total_cents is double precision: money must be integer cents; a float is a corruption signal"))
            #expect(float.observations.first == Observation(subject: "orders.total_cents type", expected: "integer cents",
                                                            actual: "double precision", ok: false))

            try await db.execute(script: "ALTER TABLE orders ALTER total_cents TYPE numeric(12,2)")
            let fractional = try await run(.money(typesOnly), on: db)
            #expect(fractional.verdict == .fail)
            #expect(fractional.message == "orders.total_cents is numeric(12,2): money must be integer cents; "
                    + "a scale of 2 stores decimal fractions (amounts in units with decimals, or fractions of a cent), not whole cents")

            try await db.execute(script: "ALTER TABLE orders ALTER total_cents TYPE numeric(14,0)")
            let wholeNumeric = try await run(.money(typesOnly), on: db)
            #expect(wholeNumeric.verdict == .pass, "\(wholeNumeric.message)")

            try await db.execute(script: "ALTER TABLE order_lines DROP COLUMN unit_price_cents")
            let dropped = try await run(.money(typesOnly), on: db)
            #expect(dropped.verdict == .fail)
            #expect(dropped.message == "column order_lines.unit_price_cents does not exist in the restored database")
        }
    }

    @Test func aCurrencyThatIsNotISO4217FailsWithItsCodesAndCounts() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)
            let currencyOnly = MoneyCheckSpec(columns: Self.columns, currencyColumn: Self.currency)
            let healthy = try await run(.money(currencyOnly), on: db)
            #expect(healthy.verdict == .pass)

            try await db.execute(script: """
                UPDATE orders SET currency = 'EUD' WHERE id IN (3, 6, 9);
                UPDATE orders SET currency = 'eur' WHERE id = 12;
                """)
            let outcome = try await run(.money(currencyOnly), on: db)
            #expect(outcome.verdict == .fail)
            #expect(outcome.message
                    == "orders.currency holds values that are not ISO 4217 currency codes: EUD (3 rows), eur (1 row)")
            #expect(outcome.observations.last?.actual == "4 rows with 2 other values")
        }
    }

    @Test func totalsThatDifferFromProductionFailPerCurrency() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema + """
                UPDATE orders SET total_cents = total_cents + 1 WHERE id = 42;
                DELETE FROM order_lines WHERE id = 600;
                """)
            let totalsOnly = MoneyCheckSpec(columns: Self.columns, currencyColumn: Self.currency, totals: .manifest)
            let outcome = try await run(.money(totalsOnly), on: db, manifest: Self.production)
            #expect(outcome.verdict == .fail)
            let euro = try #require(Self.production.moneyTotals["orders.total_cents"]?["EUR"])
            let lines = try #require(Self.production.moneyTotals["order_lines.unit_price_cents"]?["*"])
            #expect(outcome.message == "orders.total_cents in EUR: \(euro + 1) cents restored, production reported \(euro) (+1); "
                    + "order_lines.unit_price_cents: \(lines - 850) cents restored, production reported \(lines) (−850)")
            #expect(outcome.observations.filter { !$0.ok }.map(\.subject)
                    == ["orders.total_cents total (EUR)", "order_lines.unit_price_cents total"])
        }
    }

    @Test func spotChecksFailOnAWrongAmountAMissingRowOrSeveralRows() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema + "UPDATE orders SET total_cents = 4290, currency = 'USD' WHERE id = 42;")
            let spots = [
                Self.order42,
                MoneySpotCheck(table: "orders", whereEquals: [("id", .integer(9999))], cents: 100),
                MoneySpotCheck(table: "orders", whereEquals: [("currency", .string("GBP"))], cents: 100),
            ]
            let outcome = try await run(.money(MoneyCheckSpec(columns: Self.columns, currencyColumn: Self.currency,
                                                              spotChecks: spots)), on: db)
            #expect(outcome.verdict == .fail)
            #expect(outcome.message == [
                "orders where id = 42: total_cents is 4290, expected 4299 (−9)",
                "orders where id = 42: currency is USD, expected EUR",
                "no row of orders where id = 9999: the spot-checked row is missing",
                "100 rows of orders match currency = 'GBP': a spot check needs exactly one",
            ].joined(separator: "; "))
        }
    }

    @Test func totalsWithoutAManifestAreAnError() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)
            let noManifest = try await run(.money(Self.everything), on: db, manifest: nil)
            #expect(noManifest.verdict == .error)
            #expect(noManifest.message.hasPrefix("totals: manifest, but this drill has no manifest"))

            var partial = Self.production
            partial.moneyTotals["order_lines.unit_price_cents"] = nil
            let lacking = try await run(.money(Self.everything), on: db, manifest: partial)
            #expect(lacking.verdict == .error)
            #expect(lacking.message == "the manifest has no money totals for order_lines.unit_price_cents")
        }
    }
}
