import DrillKit
import RefStoreKit
import Testing

/// Runs `body` against a fresh server and always stops it, whether `body` returns or throws.
private func withTestPostgres<Result>(_ body: (TestPostgres) async throws -> Result) async throws -> Result {
    let postgres = try await TestPostgres.start()
    do {
        let result = try await body(postgres)
        await postgres.stop()
        return result
    } catch {
        await postgres.stop()
        throw error
    }
}

/// Opens a connection for `body` and closes it afterwards.
private func withConnection<Result>(
    _ postgres: TestPostgres, database: String? = nil, _ body: (PostgresConnection) async throws -> Result
) async throws -> Result {
    let connection = try await postgres.connect(database: database)
    defer { connection.close() }
    return try await body(connection)
}

private func rows(_ connection: PostgresConnection, _ sql: String, _ parameters: [String?] = []) async throws -> [[String?]] {
    try await connection.query(sql, parameters).rows
}

private func scalar(_ connection: PostgresConnection, _ sql: String, _ parameters: [String?] = []) async throws -> String? {
    try await connection.query(sql, parameters).scalar
}

// MARK: - Migrations

@Suite("RefStore migrations", .timeLimit(.minutes(10)))
struct RefStoreMigrationTests {
    @Test func theCatalogCountsUpWithoutGapsAndKeepsTheImmutabilityTriggerAt10() {
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        #expect(Migration.all.allSatisfy { $0.name.allSatisfy { $0.isLowercase || $0 == "_" } })
        #expect(Migration.all[9].identifier == "0010_invoice_immutability")
        #expect(Migration.all.last?.identifier == "0011_users")
    }

    @Test func migrateAppliesEveryMigrationOnceAndRecordsIt() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(postgres) { connection in
                #expect(try await RefStore.schemaVersion(on: connection) == nil)

                let first = try await RefStore.migrate(on: connection)
                #expect(first.map(\.version) == Migration.all.map(\.version))
                #expect(first.map(\.identifier).last == "0011_users")

                let second = try await RefStore.migrate(on: connection)
                #expect(second.isEmpty)

                let recorded = try await rows(connection, "SELECT version, name, applied_at IS NOT NULL FROM schema_migrations ORDER BY version")
                #expect(recorded == Migration.all.map { [String($0.version), $0.name, "t"] })
                #expect(try await RefStore.schemaVersion(on: connection) == Migration.latestVersion)
            }
        }
    }

    @Test func migrateRefusesAHistoryItDidNotWrite() async throws {
        try await withTestPostgres { postgres in
            try await postgres.createDatabase("newer")
            try await withConnection(postgres, database: "newer") { connection in
                _ = try await RefStore.migrate(on: connection)
                let future = Migration.latestVersion + 1
                try await connection.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future')", [String(future)])
                await #expect(throws: MigrationError.unknownVersion(version: future, name: "from_the_future")) {
                    try await RefStore.migrate(on: connection)
                }
            }
            try await postgres.createDatabase("diverged")
            try await withConnection(postgres, database: "diverged") { connection in
                try await connection.query("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
                try await connection.query("INSERT INTO schema_migrations (version, name) VALUES (1, 'something_else')")
                await #expect(throws: MigrationError.nameMismatch(version: 1, recorded: "something_else", expected: "currency_code")) {
                    try await RefStore.migrate(on: connection)
                }
                #expect(try await scalar(connection, "SELECT to_regclass('customers') IS NULL") == "t")
            }
        }
    }

    @Test func aFailingMigrationLeavesNoTrace() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(postgres) { connection in
                // A table squatting on a migration's name makes that migration fail halfway.
                try await connection.query("CREATE TABLE orders (id integer)")
                await #expect(throws: MigrationError.self) { try await RefStore.migrate(on: connection) }
                #expect(try await RefStore.schemaVersion(on: connection) == 3)
                #expect(try await scalar(connection, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attnum > 0") == "1")
            }
        }
    }
}

// MARK: - Invoices

@Suite("RefStore invoices", .timeLimit(.minutes(10)))
struct RefStoreInvoiceTests {
    /// One customer, one product and `count` orders, without the seed generator.
    private func placeOrders(_ count: Int, on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query("INSERT INTO customers (email, name) VALUES ('ada@example.test', 'Ada Adler')")
        try await connection.query("INSERT INTO products (sku, name, price_cents, currency) VALUES ('SKU-1', 'Brass Lamp', 1999, 'EUR')")
        var ids: [Int] = []
        for index in 1...count {
            let id = try await scalar(connection, """
                INSERT INTO orders (customer_id, currency, total_cents, status)
                SELECT id, 'EUR', $1::bigint, 'paid' FROM customers RETURNING id
                """, [String(1999 * index)])
            ids.append(Int(id ?? "") ?? 0)
        }
        return ids
    }

    @Test func issuingNumbersInvoicesGaplesslyAndAttachesThePDFOnce() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(postgres) { connection in
                _ = try await RefStore.migrate(on: connection)
                let orders = try await placeOrders(4, on: connection)

                let first = try await RefStore.issueInvoice(on: connection, orderID: orders[0])
                let second = try await RefStore.issueInvoice(on: connection, orderID: orders[1])
                #expect(first.number == 1)
                #expect(second.number == 2)
                #expect(second.series == first.series)
                #expect(second.totalCents == 3998 && second.currency == "EUR")

                // A second invoice for the same order is refused without using up a number.
                await #expect(throws: PostgresError.self) {
                    try await RefStore.issueInvoice(on: connection, orderID: orders[0])
                }
                let third = try await RefStore.issueInvoice(on: connection, orderID: orders[2])
                #expect(third.number == 3)
                #expect(try await scalar(connection, "SELECT next_value FROM invoice_counters WHERE series = $1", [first.series]) == "4")

                // A plain INSERT (the way a restore or an import writes rows) is not blocked.
                try await connection.query("""
                    INSERT INTO invoices (order_id, series, number, total_cents, currency)
                    SELECT id, '2020', 1, total_cents, currency FROM orders WHERE id = $1::bigint
                    """, [String(orders[3])])
                #expect(try await scalar(connection, "SELECT count(*) FROM invoices") == "4")

                try await connection.query("UPDATE invoices SET pdf_path = 'invoices/x/1.pdf' WHERE id = $1::bigint", [String(first.id)])
                #expect(try await scalar(connection, "SELECT pdf_path FROM invoices WHERE id = $1::bigint", [String(first.id)]) == "invoices/x/1.pdf")
            }
        }
    }

    @Test func concurrentIssuersAndRollbacksLeaveNoGaps() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(postgres) { connection in
                _ = try await RefStore.migrate(on: connection)
                let orders = try await placeOrders(41, on: connection)

                // A number drawn in a transaction that rolls back is handed out again.
                try await connection.query("BEGIN")
                let abandoned = try await scalar(connection, "SELECT number FROM issue_invoice($1::bigint)", [String(orders[40])])
                try await connection.query("ROLLBACK")
                #expect(abandoned == "1")

                let issuers = 4
                let numbers = try await withThrowingTaskGroup(of: [Int].self) { group in
                    for issuer in 0..<issuers {
                        group.addTask {
                            let own = try await postgres.connect()
                            defer { own.close() }
                            var numbers: [Int] = []
                            for order in stride(from: issuer, to: 40, by: issuers) {
                                numbers.append(try await RefStore.issueInvoice(on: own, orderID: orders[order]).number)
                            }
                            return numbers
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(numbers.sorted() == Array(1...40))
            }
        }
    }

    @Test func theImmutabilityTriggerRejectsEveryOtherChange() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(postgres) { connection in
                _ = try await RefStore.migrate(on: connection)
                let orders = try await placeOrders(2, on: connection)
                let pending = try await RefStore.issueInvoice(on: connection, orderID: orders[0])
                let attached = try await RefStore.issueInvoice(on: connection, orderID: orders[1])
                try await connection.query("UPDATE invoices SET pdf_path = 'a.pdf' WHERE id = $1::bigint", [String(attached.id)])
                let before = try await rows(connection, "SELECT * FROM invoices ORDER BY id")

                func rejection(_ sql: String, _ parameters: [String?] = []) async -> PostgresError? {
                    do {
                        try await connection.query(sql, parameters)
                        return nil
                    } catch let error as PostgresError {
                        return error
                    } catch {
                        return nil
                    }
                }
                let pendingID = String(pending.id)
                let attachedID = String(attached.id)

                let delete = await rejection("DELETE FROM invoices WHERE id = $1::bigint", [pendingID])
                #expect(delete?.sqlState == "23001")
                #expect(delete?.message.contains("deleting an issued invoice is forbidden") == true)

                let truncate = await rejection("TRUNCATE invoices")
                #expect(truncate?.message.contains("TRUNCATE of invoices is forbidden") == true)

                for change in ["total_cents = total_cents + 1", "number = 99", "series = '2000'", "currency = 'USD'",
                               "issued_at = issued_at - interval '1 day'", "pdf_path = 'b.pdf', total_cents = 0"] {
                    let update = await rejection("UPDATE invoices SET \(change) WHERE id = $1::bigint", [pendingID])
                    #expect(update?.message.contains("the only allowed change is attaching its PDF once") == true, "\(change)")
                }

                let secondAttach = await rejection("UPDATE invoices SET pdf_path = 'b.pdf' WHERE id = $1::bigint", [attachedID])
                #expect(secondAttach?.message.contains("already has its PDF attached") == true)
                let sameAttach = await rejection("UPDATE invoices SET pdf_path = pdf_path WHERE id = $1::bigint", [attachedID])
                #expect(sameAttach?.message.contains("already has its PDF attached") == true)
                let detach = await rejection("UPDATE invoices SET pdf_path = NULL WHERE id = $1::bigint", [attachedID])
                #expect(detach?.message.contains("the only allowed change") == true)

                #expect(try await rows(connection, "SELECT * FROM invoices ORDER BY id") == before)
            }
        }
    }
}

// MARK: - Seed

/// Aggregates that differ if any seeded row differs.
private func fingerprint(_ connection: PostgresConnection) async throws -> [[String?]] {
    try await rows(connection, """
        SELECT 'counts', (SELECT count(*) FROM customers) || '/' || (SELECT count(*) FROM products) || '/' ||
                         (SELECT count(*) FROM orders) || '/' || (SELECT count(*) FROM order_lines) || '/' ||
                         (SELECT count(*) FROM invoices)
        UNION ALL
        SELECT 'sum ' || currency, sum(total_cents)::text || '/' || count(*) FROM orders GROUP BY currency
        UNION ALL
        SELECT 'orders', md5(string_agg(id || ':' || customer_id || ':' || total_cents || ':' || currency || ':' || status || ':' || created_at, ',' ORDER BY id)) FROM orders
        UNION ALL
        SELECT 'lines', md5(string_agg(order_id || ':' || position || ':' || product_id || ':' || quantity || ':' || unit_price_cents, ',' ORDER BY id)) FROM order_lines
        UNION ALL
        SELECT 'customers', md5(string_agg(id || ':' || email || ':' || name || ':' || created_at, ',' ORDER BY id)) FROM customers
        UNION ALL
        SELECT 'products', md5(string_agg(id || ':' || sku || ':' || name || ':' || price_cents, ',' ORDER BY id)) FROM products
        UNION ALL
        SELECT 'invoices', md5(string_agg(id || ':' || order_id || ':' || series || ':' || number || ':' || issued_at || ':' || coalesce(pdf_path, '-'), ',' ORDER BY id)) FROM invoices
        UNION ALL
        SELECT 'counters', string_agg(series || '=' || next_value, ',' ORDER BY series) FROM invoice_counters
        ORDER BY 1
        """)
}

/// Every key, constraint and index definition in the public schema.
private func schemaDefinitions(_ connection: PostgresConnection) async throws -> [[String?]] {
    try await rows(connection, """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated::text
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL
        SELECT tablename, indexname, indexdef, '' FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
        SELECT tgrelid::regclass::text, tgname, tgenabled::text, '' FROM pg_trigger WHERE NOT tgisinternal
        ORDER BY 1, 2, 3
        """)
}

// Limits catch hangs, not slowness (speed lives in Benchmarks/): seeding twice takes two minutes on a loaded CI machine.
@Suite("RefStore seed", .timeLimit(.minutes(10)))
struct RefStoreSeedTests {
    static let orders = 500

    @Test func theSameSizeAlwaysProducesTheSameData() async throws {
        try await withTestPostgres { postgres in
            var prints: [[[String?]]] = []
            for database in ["first", "second"] {
                try await postgres.createDatabase(database)
                try await withConnection(postgres, database: database) { connection in
                    _ = try await RefStore.migrate(on: connection)
                    _ = try await RefStore.seed(on: connection, orders: Self.orders)
                    prints.append(try await fingerprint(connection))
                }
            }
            #expect(prints[0] == prints[1])
            #expect(prints[0].count >= 10, "expected several currencies in \(prints[0])")
        }
    }

    @Test func seededDataKeepsTheStoresInvariants() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(postgres) { connection in
                _ = try await RefStore.migrate(on: connection)
                let schemaBefore = try await schemaDefinitions(connection)
                let summary = try await RefStore.seed(on: connection, orders: Self.orders)

                #expect(summary.orders == Self.orders)
                #expect(summary.invoices == Self.orders)
                #expect(summary.products == 200)
                #expect(summary.orderLines >= Self.orders && summary.orderLines <= 4 * Self.orders)
                #expect(summary.customers > Self.orders / 4)
                #expect(summary.customersWithoutOrders > 0)
                #expect(summary.invoiceSeries.map(\.series) == ["2024", "2025", "2026"])

                // Seeding drops and rebuilds keys and indexes for speed; it must put back exactly what migrate made.
                #expect(try await schemaDefinitions(connection) == schemaBefore)

                #expect(try await scalar(connection, """
                    SELECT count(*) FROM orders AS o
                    WHERE o.total_cents IS DISTINCT FROM (SELECT sum(line_total_cents) FROM order_lines AS l WHERE l.order_id = o.id)
                    """) == "0")
                #expect(try await scalar(connection, "SELECT count(*) FROM order_lines WHERE line_total_cents <> quantity * unit_price_cents") == "0")
                #expect(try await scalar(connection, """
                    SELECT count(*) FROM orders AS o JOIN customers AS c ON c.id = o.customer_id WHERE c.created_at > o.created_at
                    """) == "0")
                #expect(try await scalar(connection, "SELECT count(DISTINCT currency) FROM orders").flatMap { Int($0) } ?? 0 >= 4)
                #expect(try await scalar(connection, "SELECT count(*) FROM orders WHERE created_at < '2024-07-01' OR created_at >= '2026-07-01'") == "0")

                // Gapless and unique per series, in issue order, and each counter continues after its last number.
                #expect(try await scalar(connection, """
                    SELECT count(*) FROM (
                        SELECT series, number, row_number() OVER (PARTITION BY series ORDER BY issued_at, id) AS expected
                        FROM invoices) AS numbered
                    WHERE number <> expected
                    """) == "0")
                #expect(try await scalar(connection, """
                    SELECT count(*) FROM (SELECT series, count(*) AS n, count(DISTINCT number) AS d, min(number) AS lo, max(number) AS hi
                                          FROM invoices GROUP BY series) AS s
                    WHERE n <> d OR lo <> 1 OR hi <> n
                    """) == "0")
                #expect(try await scalar(connection, """
                    SELECT count(*) FROM invoice_counters AS c
                    FULL JOIN (SELECT series, max(number) AS last FROM invoices GROUP BY series) AS i USING (series)
                    WHERE c.next_value IS DISTINCT FROM i.last + 1
                    """) == "0")
                #expect(try await scalar(connection, "SELECT count(*) FROM invoices AS i JOIN orders AS o ON o.id = i.order_id WHERE i.total_cents <> o.total_cents OR i.currency <> o.currency") == "0")

                // Money is integer cents everywhere; nothing in the schema is a float or numeric.
                let moneyTypes = try await rows(connection, """
                    SELECT DISTINCT data_type FROM information_schema.columns
                    WHERE table_schema = 'public' AND column_name LIKE '%cents'
                    """)
                #expect(moneyTypes == [["bigint"]])
                #expect(try await scalar(connection, """
                    SELECT count(*) FROM information_schema.columns
                    WHERE table_schema = 'public' AND data_type IN ('numeric', 'real', 'double precision', 'money')
                    """) == "0")

                // Sequences and counters continue after the seeded rows, so the store can take orders right away.
                let customer = try await scalar(connection, "INSERT INTO customers (email, name) VALUES ('new@example.test', 'New') RETURNING id")
                #expect(customer == String(summary.customers + 1))
                let order = try await scalar(connection, """
                    INSERT INTO orders (customer_id, currency, total_cents, status) VALUES ($1::bigint, 'EUR', 100, 'paid') RETURNING id
                    """, [customer])
                #expect(order == String(Self.orders + 1))
                let expectedNumber = try await scalar(connection, """
                    SELECT coalesce((SELECT next_value FROM invoice_counters WHERE series = to_char(now() AT TIME ZONE 'UTC', 'YYYY')), 1)
                    """)
                let invoice = try await RefStore.issueInvoice(on: connection, orderID: Int(order ?? "") ?? 0)
                #expect(String(invoice.number) == expectedNumber)
                #expect(invoice.id == Self.orders + 1)
            }
        }
    }

    @Test func reseedingNeedsResetAndResetStartsOver() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(postgres) { connection in
                _ = try await RefStore.migrate(on: connection)
                let schema = try await schemaDefinitions(connection)
                let first = try await RefStore.seed(on: connection, orders: 200, canary: "first-canary")
                let seeded = try await fingerprint(connection)
                #expect(first.canaryPlanted)
                #expect(!first.reportLines.joined().contains("first-canary"))

                await #expect(throws: SeedError.self) { try await RefStore.seed(on: connection, orders: 200) }
                do {
                    _ = try await RefStore.seed(on: connection, orders: 50)
                    Issue.record("seeding a database that holds data should have been refused")
                } catch let SeedError.databaseNotEmpty(rowCounts) {
                    #expect(rowCounts["orders"] == 200)
                    #expect(rowCounts["invoices"] == 200)
                }
                #expect(try await fingerprint(connection) == seeded)

                // Business goes on after the seed; a reset throws all of it away and starts over.
                try await connection.query("INSERT INTO orders (customer_id, currency, total_cents, status) VALUES (1, 'EUR', 5, 'paid')")
                _ = try await RefStore.issueInvoice(on: connection, orderID: 201)
                let reseeded = try await RefStore.seed(on: connection, orders: 200, reset: true, canary: "second-canary")
                #expect(reseeded.orders == 200)
                #expect(try await fingerprint(connection) == seeded)
                #expect(try await rows(connection, "SELECT token FROM drill_canary") == [["second-canary"]])

                // The immutability guard came back on with everything else.
                #expect(try await schemaDefinitions(connection) == schema)
                await #expect(throws: PostgresError.self) { try await connection.query("DELETE FROM invoices WHERE id = 1") }
                await #expect(throws: PostgresError.self) { try await connection.query("TRUNCATE invoices") }
            }
        }
    }

    @Test func seedingRefusesAnUnmigratedDatabaseAndAnEmptyCanary() async throws {
        try await withTestPostgres { postgres in
            try await withConnection(postgres) { connection in
                await #expect(throws: MigrationError.schemaNotCurrent(appliedVersion: nil, requiredVersion: Migration.latestVersion)) {
                    try await RefStore.seed(on: connection, orders: 10)
                }
                _ = try await RefStore.migrate(on: connection)
                await #expect(throws: SeedError.emptyCanary) {
                    try await RefStore.seed(on: connection, orders: 10, canary: "")
                }
                #expect(try await scalar(connection, "SELECT count(*) FROM orders") == "0")
            }
        }
    }

    @Test func planSizesAndLimits() throws {
        #expect(SeedSize.allCases.map(\.orderCount) == [100, 10_000, 100_000, 1_000_000])
        #expect(SeedPlan(size: .large).customerCount == 277_778)
        #expect(throws: SeedError.self) { try SeedPlan(orderCount: 0) }
        #expect(throws: SeedError.self) { try SeedPlan(orderCount: SeedPlan.maximumOrderCount + 1) }
    }
}
