import Foundation
import Testing
@testable import DrillKit

@Suite struct SQLCheckTests {
    static let schema = """
        CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
        INSERT INTO orders SELECT i, now() - i * interval '1 hour' + interval '30 minutes' FROM generate_series(1, 300) AS i;
        CREATE TABLE store_settings (key text PRIMARY KEY, value text NOT NULL);
        INSERT INTO store_settings VALUES ('status', 'open');
        """

    static func sql(_ query: String, _ op: ComparisonOperator, _ operand: String) -> CheckKind {
        .sql(SQLCheckSpec(name: "probe", query: query, expect: Comparison(op: op, operand: operand)))
    }

    @Test func comparesNumbersBothWays() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)
            let recent = "SELECT count(*) FROM orders WHERE created_at > now() - interval '7 days'"

            let some = try await run(Self.sql(recent, .greater, "0"), on: db)
            #expect(some.verdict == .pass)
            #expect(some.message == "probe: 168 (expected > 0)")
            #expect(some.observations == [Observation(subject: "probe", expected: "> 0", actual: "168", ok: true)])
            #expect(some.queries == [recent])

            // As numbers, 168 is less than 1000 although "168" sorts after "1000" as text.
            let tooFew = try await run(Self.sql(recent, .greaterOrEqual, "1000"), on: db)
            #expect(tooFew.verdict == .fail)
            #expect(tooFew.message == "probe: got 168, expected >= 1000 (compared as numbers)")
        }
    }

    @Test func comparesTextBothWays() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)
            let status = "SELECT value FROM store_settings WHERE key = 'status'"

            let open = try await run(Self.sql(status, .equal, "'open'"), on: db)
            #expect(open.verdict == .pass)

            let closed = try await run(Self.sql(status, .equal, "'closed'"), on: db)
            #expect(closed.verdict == .fail)
            #expect(closed.message == "probe: got open, expected = 'closed' (compared as text)")
        }
    }

    @Test func aBrokenQueryOrNoRowIsAnErrorAndALostTableAFailure() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: Self.schema)

            let syntax = try await run(Self.sql("SELEC count(*) FROM orders", .greater, "0"), on: db)
            #expect(syntax.verdict == .error)
            #expect(syntax.message.hasPrefix("could not run the query of probe: syntax error at or near \"SELEC\" (SQLSTATE 42601)"))

            let empty = try await run(Self.sql("SELECT id FROM orders WHERE id < 0", .greater, "0"), on: db)
            #expect(empty.verdict == .error)
            #expect(empty.message == "probe: the query returned no row, so there is no value to compare with > 0")

            let lost = try await run(Self.sql("SELECT count(*) FROM refunds", .greater, "0"), on: db)
            #expect(lost.verdict == .fail)
            #expect(lost.message == "could not run the query of probe: relation \"refunds\" does not exist in the restored database")
        }
    }
}
