import Foundation
import Testing
@testable import DrillKit

/// Sharing one pass per table is an optimisation only: every check must reach exactly the
/// verdict, message and observations it reaches scanning on its own, healthy or broken.
@Suite struct SharedTableScansTests {
    static let schema = """
        CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL, currency text);
        CREATE TABLE invoices (id bigint PRIMARY KEY, series text NOT NULL, number bigint NOT NULL,
                               total_cents bigint NOT NULL, UNIQUE (series, number));
        INSERT INTO orders
            SELECT i, i * 100 + 99, (ARRAY['EUR', 'USD', 'GBP'])[i % 3 + 1] FROM generate_series(1, 300) AS i;
        INSERT INTO invoices
            SELECT row_number() OVER (), s, n, n * 10 FROM unnest(ARRAY['2025', '2026']) s, generate_series(1, 150) n;
        """

    /// What production reported for `schema`, computed here rather than read back.
    static let production: Manifest = {
        var orderTotals: [String: Int64] = [:]
        for id in Int64(1)...300 {
            orderTotals[["EUR", "USD", "GBP"][Int(id % 3)], default: 0] += id * 100 + 99
        }
        let invoiceTotal = 2 * (Int64(1)...150).reduce(0) { $0 + $1 * 10 }
        return testManifest(rowCounts: ["public.orders": 300, "public.invoices": 300],
                            moneyTotals: ["orders.total_cents": orderTotals, "invoices.total_cents": ["*": invoiceTotal]],
                            invoiceLatest: ["invoices.number": ["2025": 150, "2026": 150]])
    }()

    static let checks: [CheckKind] = [
        .rowCounts(RowCountsCheckSpec(tables: ["orders", "invoices"])),
        .money(MoneyCheckSpec(columns: [ColumnReference(table: "orders", column: "total_cents"),
                                        ColumnReference(table: "invoices", column: "total_cents")],
                              currencyColumn: ColumnReference(table: "orders", column: "currency"), totals: .manifest)),
        .invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number", series: "series", latest: .manifest)),
    ]

    /// Runs `kinds` side by side as a drill does, sharing one pass per table.
    private func runSharing(_ kinds: [CheckKind], on postgres: TestPostgres, manifest: Manifest) async throws -> [CheckOutcome] {
        let drillChecks = try kinds.map(check)
        let scans = SharedTableScans(needs: drillChecks.flatMap(\.tableScanNeeds))
        return try await withThrowingTaskGroup(of: (Int, CheckOutcome).self) { group in
            for (index, drillCheck) in drillChecks.enumerated() {
                group.addTask {
                    try await withConnection(to: postgres) { connection in
                        let context = CheckContext(connection: connection, manifest: manifest,
                                                   secrets: SecretStore(environment: [:]), sharedScans: scans)
                        return (index, await drillCheck.run(in: context))
                    }
                }
            }
            var outcomes = [CheckOutcome?](repeating: nil, count: kinds.count)
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }
    }

    private func runAlone(_ kinds: [CheckKind], on postgres: TestPostgres, manifest: Manifest) async throws -> [CheckOutcome] {
        var outcomes: [CheckOutcome] = []
        for kind in kinds {
            outcomes.append(try await withConnection(to: postgres) { try await run(kind, on: $0, manifest: manifest) })
        }
        return outcomes
    }

    private func expectSameAnswers(_ shared: [CheckOutcome], _ alone: [CheckOutcome], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for (sharedOutcome, aloneOutcome) in zip(shared, alone) {
            #expect(sharedOutcome.verdict == aloneOutcome.verdict, sourceLocation: sourceLocation)
            #expect(sharedOutcome.message == aloneOutcome.message, sourceLocation: sourceLocation)
            #expect(sharedOutcome.observations == aloneOutcome.observations, sourceLocation: sourceLocation)
        }
    }

    @Test func plansOnePassForEachTableSeveralChecksRead() throws {
        let scans = SharedTableScans(needs: try Self.checks.map(check).flatMap(\.tableScanNeeds))
        let solo = SharedTableScans(needs: [TableScanNeed(table: "\"orders\"", .rowCount)])
        #expect(scans.sharedTables == ["\"invoices\"", "\"orders\""])
        #expect(solo.sharedTables.isEmpty)
    }

    @Test func healthyDataPassesExactlyAsWithoutSharingAndReadsEachTableOnce() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(to: postgres) { try await $0.execute(script: Self.schema) }
            let shared = try await runSharing(Self.checks, on: postgres, manifest: Self.production)
            let alone = try await runAlone(Self.checks, on: postgres, manifest: Self.production)
            #expect(shared.map(\.verdict) == [.pass, .pass, .pass], "\(shared.map(\.message))")
            expectSameAnswers(shared, alone)
            // Every check names the shared statement its answer came from; alone, none sends one.
            for outcome in shared {
                #expect(outcome.queries.contains { $0.contains("GROUPING SETS") }, "\(outcome.queries)")
            }
            #expect(!alone.flatMap(\.queries).contains { $0.contains("GROUPING SETS") })
            let sharedStatements = Set(shared.flatMap(\.queries).filter { $0.contains("GROUPING SETS") })
            #expect(sharedStatements.count == 2, "one statement per table: \(sharedStatements)")
        }
    }

    @Test func brokenDataFailsEachCheckExactlyAsWithoutSharing() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(to: postgres) { db in
                try await db.execute(script: Self.schema)
                // A lost order (rows and totals), a NULL currency group, and a gap plus a
                // latest-number mismatch in series 2026.
                try await db.execute(script: """
                    DELETE FROM orders WHERE id = 7;
                    UPDATE orders SET currency = NULL WHERE id = 8;
                    DELETE FROM invoices WHERE series = '2026' AND number IN (40, 41, 150);
                    """)
            }
            let shared = try await runSharing(Self.checks, on: postgres, manifest: Self.production)
            let alone = try await runAlone(Self.checks, on: postgres, manifest: Self.production)
            #expect(shared.map(\.verdict) == [.fail, .fail, .fail], "\(shared.map(\.message))")
            #expect(shared[0].message.contains("orders: 299 rows, production reported 300"), "\(shared[0].message)")
            #expect(shared[1].message.contains("orders.total_cents in NULL"), "\(shared[1].message)")
            #expect(shared[2].message.contains("series 2026: missing 40–41"), "\(shared[2].message)")
            expectSameAnswers(shared, alone)
        }
    }

    /// Past the group limit the shared pass stops counting currencies: the money check must
    /// still list and count every offending value, and refuse to compare the totals.
    @Test func tooManyCurrenciesAnswerAsWithoutSharing() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(to: postgres) { db in
                try await db.execute(script: Self.schema)
                try await db.execute(script: """
                    INSERT INTO orders SELECT 1000 + i, 100, 'X' || i FROM generate_series(1, 1200) AS i;
                    """)
            }
            let shared = try await runSharing(Self.checks, on: postgres, manifest: Self.production)
            let alone = try await runAlone(Self.checks, on: postgres, manifest: Self.production)
            #expect(shared[1].verdict == .error, "\(shared[1].message)")
            #expect(shared[1].message.contains("more than 1000 currencies"), "\(shared[1].message)")
            #expect(shared[1].message.contains("… and 1180 more"), "\(shared[1].message)")
            expectSameAnswers(shared, alone)
        }
    }

    /// A money column that cannot be summed breaks the shared statement; each check then asks
    /// on its own, so the row counts still pass and the money check reports its own error.
    @Test func aFailingSharedStatementFallsBackToEachChecksOwnQuery() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(to: postgres) { db in
                try await db.execute(script: Self.schema)
                try await db.execute(script: "ALTER TABLE orders ALTER total_cents TYPE text")
            }
            let shared = try await runSharing(Self.checks, on: postgres, manifest: Self.production)
            let alone = try await runAlone(Self.checks, on: postgres, manifest: Self.production)
            #expect(shared[0].verdict == .pass, "\(shared[0].message)")
            #expect(!shared[0].queries.contains { $0.contains("GROUPING SETS") && $0.contains("\"orders\"") })
            #expect(shared[1].verdict != .pass)
            expectSameAnswers(shared, alone)
        }
    }
}
