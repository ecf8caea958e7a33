import Foundation
import Testing
@testable import DrillKit

/// The checks that apply to a SQLite store, run in SQL on a real SQLite file: each failure
/// proven on a store broken that way, and shown not to fire on the healthy shop.
@Suite(.timeLimit(.minutes(10))) struct SQLiteChecksTests {
    /// The shop in a scratch folder, changed by `breakage`, opened as a drill opens its copy.
    private func withShop<T: Sendable>(_ breakage: String = "", _ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"), sql: sqliteShopSQL + breakage)
        let connection = try await SQLiteConnection.open(scratch.file("storeit.db"), mode: .readWrite)
        defer { connection.close() }
        return try await body(connection)
    }

    private let money = CheckKind.money(MoneyCheckSpec(
        columns: [ColumnReference(table: "orders", column: "total_cents")],
        currencyColumn: ColumnReference(table: "orders", column: "currency"), totals: .manifest,
        spotChecks: [MoneySpotCheck(table: "orders", whereEquals: [("id", .integer(3))], cents: 121, currency: "EUR")]))

    private var shopManifest: Manifest {
        var totals: [String: Int64] = ["EUR": 0, "USD": 0, "GBP": 0]
        for n in 1...2000 { totals[n % 3 == 0 ? "EUR" : n % 3 == 1 ? "USD" : "GBP", default: 0] += Int64(100 + n * 7) }
        return testManifest(rowCounts: ["orders": 2000, "customers": 200], moneyTotals: ["orders.total_cents": totals],
                            invoiceLatest: ["invoices.number": ["": 1500]])
    }

    @Test func rowCountsMatchOrNameTheDifference() async throws {
        let kind = CheckKind.rowCounts(RowCountsCheckSpec(tables: ["orders", "customers", "main.invoices"], expect: .value(
            ["orders": 2000, "customers": 200, "main.invoices": 1500])))
        let healthy = try await withShop { try await run(kind, on: $0) }
        #expect(healthy.verdict == .pass, "\(healthy.message)")
        let lost = try await withShop("DELETE FROM invoices WHERE number > 1490;") { try await run(kind, on: $0) }
        #expect(lost.verdict == .fail)
        #expect(lost.message == "main.invoices: 1490 rows, the scenario expects 1500 (−10)", "\(lost.message)")
        let missing = try await withShop("DROP TABLE drill_canary;") {
            try await run(.rowCounts(RowCountsCheckSpec(tables: ["drill_canary"], expect: .value(["drill_canary": 1]))), on: $0)
        }
        #expect(missing.verdict == .fail && missing.message.contains("drill_canary does not exist"), "\(missing.message)")
    }

    @Test func moneyPassesOnIntegerCentsAndTotalsFromTheManifest() async throws {
        let outcome = try await withShop { try await run(money, on: $0, manifest: shopManifest) }
        #expect(outcome.verdict == .pass, "\(outcome.message)")
        #expect(outcome.message.contains("1 column of integer cents") && outcome.message.contains("totals match production in EUR, GBP, USD"),
                "\(outcome.message)")
    }

    /// SQLite's affinity lets a REAL into an INTEGER column: the declaration is right, the value is not.
    @Test func aRealThatSlippedIntoAnIntegerColumnFails() async throws {
        let outcome = try await withShop("UPDATE orders SET total_cents = 12.5 WHERE id IN (7, 8);") { try await run(money, on: $0, manifest: shopManifest) }
        #expect(outcome.verdict == .fail)
        #expect(outcome.message.contains("orders.total_cents holds 2 values stored as real (e.g. '12.5')"), "\(outcome.message)")
        #expect(!outcome.message.contains("is INTEGER: money must"))
    }

    @Test func aColumnDeclaredRealOrDecimalFails() async throws {
        for declared in ["REAL", "DECIMAL(10,2)"] {
            let sql = "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount \(declared)); INSERT INTO prices VALUES (1, 250);"
            let outcome = try await withShop(sql) {
                try await run(.money(MoneyCheckSpec(columns: [ColumnReference(table: "prices", column: "amount")])), on: $0)
            }
            #expect(outcome.verdict == .fail, "\(declared)")
            #expect(outcome.message.contains("prices.amount is \(declared): money must be integer cents"), "\(outcome.message)")
        }
    }

    @Test func currencyCodesAreISO4217() async throws {
        let outcome = try await withShop("UPDATE orders SET currency = 'eur' WHERE id = 5;") { try await run(money, on: $0, manifest: shopManifest) }
        #expect(outcome.verdict == .fail)
        #expect(outcome.message.contains("orders.currency holds values that are not ISO 4217 currency codes: eur (1 row)"), "\(outcome.message)")
    }

    @Test func totalsThatDifferFromProductionFail() async throws {
        let outcome = try await withShop("UPDATE orders SET total_cents = total_cents + 1 WHERE id = 3;") {
            try await run(money, on: $0, manifest: shopManifest)
        }
        #expect(outcome.verdict == .fail)
        #expect(outcome.message.contains("orders.total_cents in EUR") && outcome.message.contains("(+1)"), "\(outcome.message)")
    }

    private let invoices = CheckKind.invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number", latest: .manifest))

    @Test func invoiceNumbersGaplessAndUniqueOrNamed() async throws {
        let healthy = try await withShop { try await run(invoices, on: $0, manifest: shopManifest) }
        #expect(healthy.verdict == .pass, "\(healthy.message)")
        let gap = try await withShop("DELETE FROM invoices WHERE number IN (41, 42, 43, 900);") { try await run(invoices, on: $0, manifest: shopManifest) }
        #expect(gap.verdict == .fail)
        #expect(gap.message.contains("missing 41–43, 900"), "\(gap.message)")
        // Without the UNIQUE index (a schema that never had one), a number used twice is found by reading them all.
        let noUnique = """
            CREATE TABLE invoices2 (id INTEGER PRIMARY KEY, number TEXT);
            INSERT INTO invoices2 (number) SELECT number FROM invoices;
            INSERT INTO invoices2 (number) VALUES ('7'), ('07'), ('INV-9');
            """
        let duplicated = try await withShop(noUnique) {
            try await run(.invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices2", column: "number")), on: $0)
        }
        #expect(duplicated.verdict == .fail)
        #expect(duplicated.message.contains("7 (3 invoices)"), "\(duplicated.message)")
        #expect(duplicated.message.contains("'INV-9'"), "\(duplicated.message)")
    }

    @Test func sqliteSequenceBehindItsTableFails() async throws {
        let healthy = try await withShop { try await run(.sequences(SequencesCheckSpec()), on: $0) }
        #expect(healthy.verdict == .pass, "\(healthy.message)")
        #expect(healthy.message == "1 AUTOINCREMENT counter at or past the highest rowid of their table", "\(healthy.message)")
        let behind = try await withShop("UPDATE sqlite_sequence SET seq = 1990 WHERE name = 'orders';") {
            try await run(.sequences(SequencesCheckSpec()), on: $0)
        }
        #expect(behind.verdict == .fail)
        #expect(behind.message.hasPrefix("sqlite_sequence says orders is at 1990, but its rowids reach 2000"), "\(behind.message)")
        let gone = try await withShop("DELETE FROM sqlite_sequence;") { try await run(.sequences(SequencesCheckSpec()), on: $0) }
        #expect(gone.verdict == .fail && gone.message.contains("no row for orders"), "\(gone.message)")
        let ignored = try await withShop("DELETE FROM sqlite_sequence;") { try await run(.sequences(SequencesCheckSpec(ignore: ["orders"])), on: $0) }
        #expect(ignored.verdict == .pass, "\(ignored.message)")
    }

    @Test func sqlAndCanaryRunAsWritten() async throws {
        let sql = CheckKind.sql(SQLCheckSpec(name: "paid orders", query: "SELECT count(*) FROM orders WHERE total_cents > 10000",
                                             expect: try #require(Comparison(parsing: "> 0"))))
        let canary = CheckKind.canary(CanaryCheckSpec(query: "SELECT value FROM drill_canary", value: .environment("CANARY")))
        let (sqlOutcome, canaryOutcome, wrong) = try await withShop {
            (try await run(sql, on: $0), try await run(canary, on: $0, environment: ["CANARY": "canary-7f3e"]),
             try await run(canary, on: $0, environment: ["CANARY": "canary-other"]))
        }
        #expect(sqlOutcome.verdict == .pass, "\(sqlOutcome.message)")
        #expect(canaryOutcome.verdict == .pass, "\(canaryOutcome.message)")
        #expect(wrong.verdict == .fail && !reportedText(wrong).contains("canary-7f3e"))
        let broken = try await withShop("DROP TABLE drill_canary;") { try await run(canary, on: $0, environment: ["CANARY": "canary-7f3e"]) }
        #expect(broken.verdict == .fail, "\(broken.message)")
    }

    /// SQLite would run the first of several statements alone and say nothing; libpq refuses them.
    @Test func aQueryOfSeveralStatementsIsRefusedAndRunsNone() async throws {
        let (outcome, orders) = try await withShop { connection in
            let outcome = try await run(.sql(SQLCheckSpec(name: "sneaky", query: "SELECT count(*) FROM orders; DELETE FROM orders",
                                                          expect: try #require(Comparison(parsing: "> 0")))), on: connection)
            return (outcome, try await connection.query("SELECT count(*) FROM orders").scalar)
        }
        #expect(outcome.verdict == .error && outcome.message.contains("one statement per query"), "\(outcome.message)")
        #expect(orders == "2000")
        // A trailing semicolon or comment is one statement still.
        let single = try await withShop {
            try await run(.sql(SQLCheckSpec(name: "orders", query: "SELECT count(*) FROM orders; -- all of them",
                                            expect: try #require(Comparison(parsing: "= 2000")))), on: $0)
        }
        #expect(single.verdict == .pass, "\(single.message)")
    }

    /// SQLite answers a comparison with 1 or 0: `= true` and `!= false` mean what they say.
    @Test func booleansCompareAsBooleans() async throws {
        for (query, expect, verdict) in [("SELECT count(*) > 0 FROM orders", "= true", Verdict.pass),
                                         ("SELECT count(*) > 0 FROM orders", "!= false", .pass),
                                         ("SELECT count(*) = 0 FROM orders", "= true", .fail),
                                         ("SELECT count(*) = 0 FROM orders", "!= false", .fail)] {
            let outcome = try await withShop {
                try await run(.sql(SQLCheckSpec(name: "b", query: query, expect: try #require(Comparison(parsing: expect)))), on: $0)
            }
            #expect(outcome.verdict == verdict, "\(query) \(expect): \(outcome.message)")
        }
    }

    /// Two different values never read alike: a NUL inside a text, a BLOB as hex.
    @Test func textsAndBlobsReadWhole() async throws {
        let row = try await withShop {
            try await $0.query("SELECT 'a' || char(0) || 'b', x'00ff10', x'', NULL").rows.first ?? []
        }
        #expect(row == ["a\u{0}b", "\\x00ff10", "\\x", nil])
    }

    /// AUTOINCREMENT in a comment, a default or a quoted name is not the keyword.
    @Test func onlyTheKeywordMakesATableAutoincrement() {
        #expect(SequencesCheck.autoincrementDeclared("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, x)"))
        #expect(SequencesCheck.autoincrementDeclared("CREATE TABLE t (id integer primary key autoincrement)"))
        #expect(!SequencesCheck.autoincrementDeclared("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'AUTOINCREMENT') -- AUTOINCREMENT"))
        #expect(!SequencesCheck.autoincrementDeclared("CREATE TABLE [AUTOINCREMENT] (\"autoincrement\" INT /* AUTOINCREMENT */)"))
        #expect(!SequencesCheck.autoincrementDeclared("CREATE TABLE t (no_autoincrement INTEGER)"))
    }

    @Test func aStoreWithoutAnyCounterTableSaysSo() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("plain.db"),
                                            sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'AUTOINCREMENT'); INSERT INTO t (id) VALUES (1);")
        let connection = try await SQLiteConnection.open(scratch.file("plain.db"), mode: .readWrite)
        defer { connection.close() }
        let outcome = try await run(.sequences(SequencesCheckSpec()), on: connection)
        #expect(outcome.verdict == .pass)
        #expect(outcome.message == "no table uses AUTOINCREMENT, so SQLite keeps no counter to fall behind")
    }
}
