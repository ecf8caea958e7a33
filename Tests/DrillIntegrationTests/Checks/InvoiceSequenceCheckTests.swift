import Foundation
import Testing
@testable import DrillKit

@Suite struct InvoiceSequenceCheckTests {
    static let unseriesed = """
        CREATE TABLE invoices (id bigserial PRIMARY KEY, number bigint NOT NULL);
        INSERT INTO invoices (number) SELECT generate_series(1, 500);
        CREATE TABLE invoice_counters (next_value bigint NOT NULL);
        INSERT INTO invoice_counters VALUES (501);
        """
    static let production = testManifest(invoiceLatest: ["invoices.number": ["": 500]])
    static let spec = InvoiceSequenceCheckSpec(table: "invoices", column: "number", latest: .manifest,
                                               nextNumberSQL: "SELECT next_value FROM invoice_counters")

    @Test func passesOnHealthyNumbersAndFailsOnGapsListedCompactly() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.unseriesed)
            let healthy = try await run(.invoiceSequence(Self.spec), on: db, manifest: Self.production)
            #expect(healthy.verdict == .pass, "\(healthy.message)")
            #expect(healthy.message == "500 invoices, numbered 1–500; gapless from 1; no duplicates; "
                    + "latest matches production; next_number_sql gives the next gapless number")
            #expect(healthy.queries.contains { $0.contains("count(DISTINCT number)") })

            try await db.execute(script: "DELETE FROM invoices WHERE number IN (4, 5, 6, 9)")
            let gapped = try await run(.invoiceSequence(Self.spec), on: db, manifest: Self.production)
            #expect(gapped.verdict == .fail)
            #expect(gapped.message == "invoice numbers have gaps (numbering must run from 1 without a gap): missing 4–6, 9")
            #expect(gapped.observations.contains(Observation(subject: "invoices.number gaps", expected: "none",
                                                             actual: "missing 4–6, 9", ok: false)))
            #expect(gapped.queries.contains { $0.contains("lag(number, 1, 0::bigint)") })
        }
    }

    /// With a unique index on (series, number) the catalog rules out duplicates, so the check
    /// summarises in one unsorted pass; it must still find every gap and the latest mismatch.
    @Test func uniqueIndexTakesTheOnePassSummaryAndStillFindsGaps() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: """
                CREATE TABLE invoices (id bigserial PRIMARY KEY, series text NOT NULL, number bigint NOT NULL, UNIQUE (series, number));
                INSERT INTO invoices (series, number) SELECT s, n FROM unnest(ARRAY['2025', '2026']) s, generate_series(1, 300) n;
                """)
            let spec = InvoiceSequenceCheckSpec(table: "invoices", column: "number", series: "series", latest: .manifest)
            let manifest = testManifest(invoiceLatest: ["invoices.number": ["2025": 300, "2026": 300]])
            let healthy = try await run(.invoiceSequence(spec), on: db, manifest: manifest)
            #expect(healthy.verdict == .pass, "\(healthy.message)")
            #expect(healthy.queries.contains { $0.contains("FILTER (WHERE") })
            #expect(!healthy.queries.contains { $0.contains("count(DISTINCT") })

            try await db.execute(script: "DELETE FROM invoices WHERE series = '2026' AND number IN (7, 8, 300)")
            let broken = try await run(.invoiceSequence(spec), on: db, manifest: manifest)
            #expect(broken.verdict == .fail)
            #expect(broken.message.contains("series 2026: missing 7–8"), "\(broken.message)")
            #expect(broken.message.contains("latest"), "\(broken.message)")

            // Without the unique index the catalog guarantees nothing: the sorted count runs.
            try await db.execute(script: "ALTER TABLE invoices DROP CONSTRAINT invoices_series_number_key")
            let unguarded = try await run(.invoiceSequence(spec), on: db, manifest: manifest)
            #expect(unguarded.queries.contains { $0.contains("count(DISTINCT") })
            #expect(unguarded.message == broken.message)
        }
    }

    @Test func duplicatesALatestMismatchAndAWrongNextNumberEachFail() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.unseriesed + """
                INSERT INTO invoices (number) VALUES (42), (43), (43);
                DELETE FROM invoices WHERE number = 500;
                UPDATE invoice_counters SET next_value = 502;
                """)
            let outcome = try await run(.invoiceSequence(Self.spec), on: db, manifest: Self.production)
            #expect(outcome.verdict == .fail)
            #expect(outcome.message == [
                "invoice numbers are used more than once: 42 (2 invoices), 43 (3 invoices)",
                "the latest invoice is 499, production's last was 500",
                "the next invoice would be 502 but 500 is the next gapless number",
            ].joined(separator: "; "))
        }
    }

    @Test func everySeriesMustStartAtOneAndTextNumbersAreRead() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: """
                CREATE TABLE invoices (id bigserial PRIMARY KEY, series integer NOT NULL, number text NOT NULL);
                INSERT INTO invoices (series, number) SELECT 2025, lpad(i::text, 6, '0') FROM generate_series(1, 300) AS i;
                INSERT INTO invoices (series, number) SELECT 2026, i::text FROM generate_series(4, 200) AS i;
                CREATE TABLE invoice_counters (series integer PRIMARY KEY, next_value bigint NOT NULL);
                INSERT INTO invoice_counters VALUES (2025, 301), (2026, 201);
                """)
            let manifest = testManifest(invoiceLatest: ["invoices.number": ["2025": 300, "2026": 200]])
            let spec = InvoiceSequenceCheckSpec(
                table: "invoices", column: "number", series: "series", latest: .manifest,
                nextNumberSQL: "SELECT next_value FROM invoice_counters WHERE series = $1")

            let late = try await run(.invoiceSequence(spec), on: db, manifest: manifest)
            #expect(late.verdict == .fail)
            #expect(late.message == "invoice numbers have gaps (each series must run from 1 without a gap): series 2026: missing 1–3")

            try await db.execute(script: "INSERT INTO invoices (series, number) VALUES (2026, '1'), (2026, '2'), (2026, '3')")
            let healthy = try await run(.invoiceSequence(spec), on: db, manifest: manifest)
            #expect(healthy.verdict == .pass, "\(healthy.message)")
            #expect(healthy.message.hasPrefix("500 invoices in 2 series; gapless from 1; no duplicates; latest matches production"))

            try await db.execute(script: "INSERT INTO invoices (series, number) VALUES (2025, 'INV-7')")
            let malformed = try await run(.invoiceSequence(spec), on: db, manifest: manifest)
            #expect(malformed.verdict == .fail)
            #expect(malformed.message == "1 invoice has a number that is not a whole number from 1 up (e.g. 'INV-7')")
        }
    }

    @Test func manyGapsAreCountedAfterTheFirstTwentyAndBigintNumbersAreHandled() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: """
                CREATE TABLE evens (number bigint NOT NULL);
                INSERT INTO evens SELECT 2 * i FROM generate_series(1, 50) AS i;
                CREATE TABLE huge (number text NOT NULL);
                INSERT INTO huge SELECT i::text FROM generate_series(1, 10) AS i;
                INSERT INTO huge VALUES ('9223372036854775807'), ('99999999999999999999');
                """)
            let evens = try await run(.invoiceSequence(InvoiceSequenceCheckSpec(table: "evens", column: "number")), on: db)
            #expect(evens.verdict == .fail)
            #expect(evens.message.hasSuffix("missing 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, "
                                            + "… and 30 more"))

            let huge = try await run(.invoiceSequence(InvoiceSequenceCheckSpec(table: "huge", column: "number")), on: db)
            #expect(huge.verdict == .fail)
            #expect(huge.message == "1 invoice has a number that is not a whole number from 1 up (e.g. 99999999999999999999); "
                    + "invoice numbers have gaps (numbering must run from 1 without a gap): missing 11–9223372036854775806")
        }
    }

    @Test func whatCannotBeComparedIsAnErrorAndALostTableAFailure() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.unseriesed)

            let noManifest = try await run(.invoiceSequence(Self.spec), on: db, manifest: nil)
            #expect(noManifest.verdict == .error)
            #expect(noManifest.message.hasPrefix("latest: manifest, but this drill has no manifest"))

            let otherTable = testManifest(invoiceLatest: ["credit_notes.number": ["": 12]])
            let lacking = try await run(.invoiceSequence(Self.spec), on: db, manifest: otherTable)
            #expect(lacking.verdict == .error)
            #expect(lacking.message == "the manifest has no latest invoice number for invoices.number")

            var broken = Self.spec
            broken.nextNumberSQL = "SELEC next_value FROM invoice_counters"
            let syntax = try await run(.invoiceSequence(broken), on: db, manifest: Self.production)
            #expect(syntax.verdict == .error)
            #expect(syntax.message.hasPrefix("could not run next_number_sql: syntax error"))

            try await db.execute(script: "DROP TABLE invoices")
            let lost = try await run(.invoiceSequence(Self.spec), on: db, manifest: Self.production)
            #expect(lost.verdict == .fail)
            #expect(lost.message == "table invoices does not exist in the restored database")
        }
    }
}
