import Foundation
import Testing
@testable import DrillKit

@Suite struct RowCountsCheckTests {
    static let schema = """
        CREATE TABLE orders (id bigint PRIMARY KEY);
        CREATE TABLE customers (id bigint PRIMARY KEY);
        INSERT INTO orders SELECT generate_series(1, 1000);
        INSERT INTO customers SELECT generate_series(1, 200);
        """
    static let production = testManifest(rowCounts: ["public.orders": 1000, "public.customers": 200])
    static let tables = RowCountsCheckSpec(tables: ["orders", "customers"])

    @Test func passesOnHealthyDataAndFailsWhenRowsGoMissing() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)

            let healthy = try await run(.rowCounts(Self.tables), on: db, manifest: Self.production)
            #expect(healthy.verdict == .pass)
            #expect(healthy.message == "row counts match production: orders 1000, customers 200")
            #expect(healthy.observations.map(\.ok) == [true, true])
            #expect(healthy.queries.contains { $0.contains("count(*)") && $0.contains("UNION ALL") })

            try await db.execute(script: "DELETE FROM orders WHERE id IN (17, 923)")
            let broken = try await run(.rowCounts(Self.tables), on: db, manifest: Self.production)
            #expect(broken.verdict == .fail)
            #expect(broken.message == "orders: 998 rows, production reported 1000 (−2)")
            #expect(broken.observations.first == Observation(subject: "orders", expected: "1000", actual: "998", ok: false))
        }
    }

    @Test func toleranceAllowsASmallRelativeDifferenceOnly() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema + "DELETE FROM orders WHERE id <= 4;")
            var spec = Self.tables
            spec.tolerance = 0.005

            let within = try await run(.rowCounts(spec), on: db, manifest: Self.production)
            #expect(within.verdict == .pass)
            #expect(within.message.contains("orders 996 (−4, within 0.5%)"))

            try await db.execute(script: "DELETE FROM orders WHERE id <= 10")
            let beyond = try await run(.rowCounts(spec), on: db, manifest: Self.production)
            #expect(beyond.verdict == .fail)
            #expect(beyond.message == "orders: 990 rows, production reported 1000 (−10, −1%, beyond the 0.5% tolerance)")
        }
    }

    @Test func aTableTheBackupLostFailsByName() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)
            var manifest = Self.production
            manifest.rowCounts["public.products"] = 50
            let outcome = try await run(.rowCounts(RowCountsCheckSpec(tables: ["orders", "products"])), on: db, manifest: manifest)
            #expect(outcome.verdict == .fail)
            #expect(outcome.message == "table products does not exist in the restored database")
        }
    }

    @Test func explicitValuesStandInForTheManifest() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)
            let spec = RowCountsCheckSpec(tables: ["orders", "public.customers"],
                                          expect: .value(["orders": 1000, "public.customers": 201]))
            let outcome = try await run(.rowCounts(spec), on: db)
            #expect(outcome.verdict == .fail)
            #expect(outcome.message == "public.customers: 200 rows, the scenario expects 201 (−1)")
        }
    }

    @Test func aMissingExpectationIsAnErrorNeverAPassOrFail() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)

            let noManifest = try await run(.rowCounts(Self.tables), on: db, manifest: nil)
            #expect(noManifest.verdict == .error)
            #expect(noManifest.message.contains("expect: manifest, but this drill has no manifest"))

            let partial = testManifest(rowCounts: ["public.orders": 1000])
            let lacking = try await run(.rowCounts(Self.tables), on: db, manifest: partial)
            #expect(lacking.verdict == .error)
            #expect(lacking.message == "the manifest has no row count for public.customers")
        }
    }
}
