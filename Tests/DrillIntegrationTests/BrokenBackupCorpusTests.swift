import Foundation
import RefStoreKit
import Testing
@testable import DrillKit

/// The broken-backup corpus: RefStore production data, its manifest, then one deliberate
/// breakage per backup, dumped with the real pg_dump. Each breakage must make exactly the
/// right check (or step) fail with a message naming the problem; the healthy backup must
/// make nothing fire. Production's data runs up to now, as a live store's does.
@Suite(.serialized) struct BrokenBackupCorpusTests {
    struct Breakage: Sendable, CustomStringConvertible {
        var name: String
        /// SQL run on a copy of production after the manifest was taken, before pg_dump.
        var sql: String
        /// The check kinds that must fail, and nothing else.
        var failingChecks: [String]
        /// Words the failing check's message must contain.
        var messageMentions: [String]
        var description: String { name }
    }

    static let canary = "corpus-canary-" + RandomToken.hex(bytes: 8)

    static let breakages: [Breakage] = [
        Breakage(name: "healthy", sql: "SELECT 1", failingChecks: [], messageMentions: []),
        Breakage(name: "rows missing from a table",
                 sql: "DELETE FROM customers WHERE id IN (SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY c.id LIMIT 3)",
                 failingChecks: ["row_counts"], messageMentions: ["customers", "−3"]),
        Breakage(name: "a float money column",
                 sql: "ALTER TABLE orders ALTER COLUMN total_cents TYPE double precision",
                 failingChecks: ["money", "schema"], messageMentions: ["orders.total_cents", "double precision",
                                                                        "changed column public.orders.total_cents: bigint not null → double precision not null"]),
        Breakage(name: "a non-ISO currency",
                 sql: "UPDATE orders SET currency = 'EUD' WHERE id = 7",
                 failingChecks: ["money"], messageMentions: ["EUD"]),
        Breakage(name: "an invoice gap",
                 sql: "ALTER TABLE invoices DISABLE TRIGGER USER; DELETE FROM invoices WHERE series = '2025' AND number IN (41, 42, 43, 90); ALTER TABLE invoices ENABLE TRIGGER USER",
                 failingChecks: ["invoice_sequence"], messageMentions: ["2025", "41–43", "90"]),
        Breakage(name: "a duplicate invoice number",
                 sql: """
                    ALTER TABLE invoices DISABLE TRIGGER USER;
                    DO $$ DECLARE constraint_name text; BEGIN
                      SELECT conname INTO constraint_name FROM pg_constraint WHERE conrelid = 'invoices'::regclass AND contype = 'u'
                        AND pg_get_constraintdef(oid) LIKE '%series%number%';
                      EXECUTE format('ALTER TABLE invoices DROP CONSTRAINT %I', constraint_name);
                    END $$;
                    UPDATE invoices SET number = 9 WHERE series = '2025' AND number = 10;
                    INSERT INTO invoices (order_id, series, number, issued_at, total_cents, currency)
                      SELECT o.id, '2025', 11, now(), o.total_cents, o.currency FROM orders o
                      WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id) LIMIT 1;
                    ALTER TABLE invoices ENABLE TRIGGER USER;
                    """,
                 failingChecks: ["invoice_sequence", "schema"], messageMentions: ["used more than once", "9 (2 invoices)",
                                                                                  "missing constraint invoices_series_number_key on public.invoices"]),
        Breakage(name: "a latest-number mismatch",
                 sql: "ALTER TABLE invoices DISABLE TRIGGER USER; DELETE FROM invoices WHERE series = '2026' AND number = (SELECT max(number) FROM invoices WHERE series = '2026'); ALTER TABLE invoices ENABLE TRIGGER USER",
                 failingChecks: ["invoice_sequence"], messageMentions: ["2026", "latest"]),
        Breakage(name: "a sequence behind its column",
                 sql: "SELECT setval(pg_get_serial_sequence('orders', 'id'), 5)",
                 failingChecks: ["sequences"], messageMentions: ["orders", "5"]),
        Breakage(name: "a wrong canary",
                 sql: "UPDATE drill_canary SET token = 'not-the-canary'",
                 failingChecks: ["canary"], messageMentions: ["differs"]),
        // Right rows, wrong catalog: restores cleanly, passes every data check.
        Breakage(name: "a missing index",
                 sql: "DROP INDEX orders_created_at_idx",
                 failingChecks: ["schema"], messageMentions: ["(1 missing): missing index public.orders_created_at_idx on public.orders"]),
        Breakage(name: "the invoice immutability trigger missing",
                 sql: "DROP TRIGGER invoices_immutable ON invoices",
                 failingChecks: ["schema"], messageMentions: ["missing trigger invoices_immutable on public.invoices"]),
        Breakage(name: "the invoice immutability trigger disabled",
                 sql: "ALTER TABLE invoices DISABLE TRIGGER invoices_immutable",
                 failingChecks: ["schema"], messageMentions: ["changed trigger invoices_immutable on public.invoices", "(disabled)"]),
        // A fresh file of stale data: a replica that stopped replicating a year ago.
        Breakage(name: "stale data",
                 sql: "UPDATE orders SET created_at = created_at - interval '365 days'",
                 failingChecks: ["freshness"], messageMentions: ["the backup holds stale data", "(orders.created_at)"]),
    ]

    static func checks(spotCents: Int64, spotCurrency: String) -> [CheckKind] {
        [
            .rowCounts(RowCountsCheckSpec(tables: ["customers", "products", "orders", "order_lines"])),
            .money(MoneyCheckSpec(columns: [ColumnReference(table: "orders", column: "total_cents"),
                                            ColumnReference(table: "order_lines", column: "unit_price_cents")],
                                  currencyColumn: ColumnReference(table: "orders", column: "currency"), totals: .manifest,
                                  spotChecks: [MoneySpotCheck(table: "orders", whereEquals: [("id", .integer(42))], cents: spotCents, currency: spotCurrency)])),
            .invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number", series: "series", latest: .manifest,
                                                      nextNumberSQL: "SELECT next_value FROM invoice_counters WHERE series = $1")),
            .sql(SQLCheckSpec(name: "products exist", query: "SELECT count(*) FROM products", expect: Comparison(op: .greater, operand: "0"))),
            .canary(CanaryCheckSpec(query: "SELECT token FROM drill_canary", value: .environment("CORPUS_CANARY"))),
            .sequences(SequencesCheckSpec()),
            .freshness(FreshnessCheckSpec(columns: [ColumnReference(table: "orders", column: "created_at")])),
            .schema(SchemaCheckSpec()),
        ]
    }

    private func drill(dump: String, manifest: String, checks: [CheckKind]) async -> DrillRecord {
        let scenario = Scenario.testScenario(dump: dump, checks: checks, manifest: manifest)
        return await DrillRunner(scenario: scenario, secrets: SecretStore(environment: ["CORPUS_CANARY": Self.canary])).run()
    }

    @Test func eachBreakageFailsExactlyItsCheckAndTheHealthyBackupPasses() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await withTestPostgres { production in
            let healthy = try await production.connect()
            _ = try await RefStore.migrate(on: healthy)
            _ = try await RefStore.seed(on: healthy, orders: 3000, canary: Self.canary, endingAt: Date())
            let spot = try await healthy.query("SELECT total_cents::text, currency FROM orders WHERE id = 42").rows[0]
            healthy.close()
            let checks = Self.checks(spotCents: Int64(spot[0]!)!, spotCurrency: spot[1]!)
            let specs = checks.enumerated().map { CheckSpec(index: $0.offset, location: SourceLocation(line: 1, column: 1), kind: $0.element) }

            // What production reported: taken once, from the healthy database.
            let manifest = try await ManifestTaker(connection: production.parameters, checks: specs).take()
            let manifestPath = scratch.file("manifest.json")
            try JSONEncoder.drill.encode(manifest).write(to: URL(fileURLWithPath: manifestPath))

            for (index, breakage) in Self.breakages.enumerated() {
                let database = "case\(index)"
                try await production.execute("CREATE DATABASE \(database) TEMPLATE \(production.database)")
                let copy = try await production.connect(database: database)
                try await copy.execute(script: breakage.sql)
                copy.close()
                let dump = scratch.file("\(database).dump")
                try await TestPostgres(cluster: production.cluster, database: database).dump(to: dump, format: .custom)

                let record = await drill(dump: dump, manifest: manifestPath, checks: checks)
                let failing = record.checks.filter { $0.verdict != .pass }
                #expect(record.step("restore")?.verdict == .pass, "\(breakage): restore should pass")
                #expect(failing.map(\.kind) == breakage.failingChecks, "\(breakage): \(failing.map { "\($0.kind): \($0.message ?? "")" })")
                #expect(failing.allSatisfy { $0.verdict == .fail }, "\(breakage): a broken backup is a fail, not an error")
                for word in breakage.messageMentions {
                    #expect(failing.contains { ($0.message ?? "").contains(word) }, "\(breakage): message should mention \(word): \(failing.map { $0.message ?? "" })")
                }
                #expect(record.exitCode == (breakage.failingChecks.isEmpty ? 0 : 1), "\(breakage)")
                #expect(record.teardown?.leftovers == [], "\(breakage)")
            }
        }
    }

    @Test func truncatedDumpAndEmptyDatabaseFailTheRestoreAndSkipEveryCheck() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await withTestPostgres { production in
            let connection = try await production.connect()
            _ = try await RefStore.migrate(on: connection)
            _ = try await RefStore.seed(on: connection, orders: 20000, canary: Self.canary)
            connection.close()
            let checks = Self.checks(spotCents: 1, spotCurrency: "EUR")
            let specs = checks.enumerated().map { CheckSpec(index: $0.offset, location: SourceLocation(line: 1, column: 1), kind: $0.element) }
            let manifest = try await ManifestTaker(connection: production.parameters, checks: specs).take()
            let manifestPath = scratch.file("manifest.json")
            try JSONEncoder.drill.encode(manifest).write(to: URL(fileURLWithPath: manifestPath))

            let truncated = scratch.file("truncated.dump")
            try await production.dump(to: truncated, format: .custom)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: truncated))
            try bytes.prefix(bytes.count * 6 / 10).write(to: URL(fileURLWithPath: truncated))

            try await production.createDatabase("empty")
            let empty = scratch.file("empty.dump")
            try await TestPostgres(cluster: production.cluster, database: "empty").dump(to: empty, format: .custom)

            for (dump, code) in [(truncated, "archive-truncated"), (empty, "empty-restore")] {
                let record = await drill(dump: dump, manifest: manifestPath, checks: checks)
                #expect(record.step("restore")?.verdict == .fail, "\(code)")
                #expect(record.step("restore")?.findings.map(\.code) == [code])
                #expect(record.checks.allSatisfy { $0.verdict == .skipped }, "\(code): checks must be skipped, never pass")
                #expect(record.exitCode == 1)
                #expect(record.rto?.measuredSeconds == nil)
            }
        }
    }
}
