import DrillKit

/// Fills a migrated, empty database with the data set a `SeedPlan` describes, in one
/// transaction: a seed either lands completely or leaves the database as it was.
struct Seeder {
    /// Every table the seed writes, in foreign-key order.
    static let dataTables = ["customers", "products", "orders", "order_lines", "invoices", "invoice_counters", "drill_canary",
                             "users"]
    /// The tables big enough for dropping and rebuilding their indexes to pay off.
    static let bulkLoadedTables = ["customers", "products", "orders", "order_lines", "invoices"]

    let connection: PostgresConnection
    let plan: SeedPlan
    let reset: Bool
    let canary: String?
    let account: DrillAccount?
    let onStepFinished: (@Sendable (SeedStepTiming) -> Void)?

    func run() async throws -> SeedSummary {
        if let canary, canary.isEmpty { throw SeedError.emptyCanary }
        try await Migrator.requireCurrentSchema(on: connection, migrations: Migration.all)

        let clock = ContinuousClock()
        let started = clock.now
        var timings: [SeedStepTiming] = []
        var stepStarted = clock.now
        func finish(_ step: SeedStep) {
            let timing = SeedStepTiming(step: step, duration: clock.now - stepStarted)
            timings.append(timing)
            onStepFinished?(timing)
            stepStarted = clock.now
        }

        try await connection.inTransaction { connection in
            // Sorts and hashes over a million rows stay in memory; JIT compiling the long draw
            // expressions costs more than it saves at every size.
            try await connection.query("SET LOCAL work_mem = '256MB'")
            try await connection.query("SET LOCAL maintenance_work_mem = '256MB'")
            try await connection.query("SET LOCAL jit = off")
            try await connection.query("LOCK TABLE \(Self.dataTables.joined(separator: ", ")) IN ACCESS EXCLUSIVE MODE")

            let rowCounts = try await Self.rowCounts(on: connection)
            if rowCounts.values.contains(where: { $0 > 0 }) {
                guard reset else { throw SeedError.databaseNotEmpty(rowCounts: rowCounts) }
                try await Self.truncateDataTables(on: connection)
            }
            let suspended = try await SuspendedIndexes.suspend(on: connection, tables: Self.bulkLoadedTables)
            finish(.prepare)

            try await connection.query(SeedStatements.products, [String(plan.productCount)])
            finish(.products)
            try await connection.query(SeedStatements.customers, [String(plan.customerCount), plan.windowStartText])
            finish(.customers)
            try await connection.query(SeedStatements.ordersAndLines,
                                       [String(plan.orderCount), String(plan.customerCount), String(plan.productCount), plan.windowStartText])
            finish(.ordersAndLines)
            try await connection.query(SeedStatements.invoices, [plan.windowEndText])
            try await connection.query(SeedStatements.invoiceCounters)
            finish(.invoices)

            try await suspended.restore(on: connection)
            finish(.rebuildIndexes)

            for table in Self.bulkLoadedTables {
                try await connection.query(SeedStatements.resumeIdentity(of: table), [table])
            }
            if let canary {
                try await connection.query("DELETE FROM drill_canary")
                try await connection.query("INSERT INTO drill_canary (token) VALUES ($1)", [canary])
            }
            try await account?.enroll(on: connection)
        }
        finish(.finish)

        // Fresh statistics, so the drill's checks against this data get sensible plans.
        try await connection.query("ANALYZE \(Self.dataTables.joined(separator: ", "))")
        finish(.analyze)

        return try await Self.summary(on: connection, plan: plan, steps: timings, duration: clock.now - started)
    }

    static func rowCounts(on connection: PostgresConnection) async throws -> [String: Int] {
        let sql = dataTables.map { "SELECT '\($0)', count(*) FROM \($0.sqlIdentifier)" }.joined(separator: " UNION ALL ")
        var counts: [String: Int] = [:]
        for row in try await connection.query(sql).rows {
            guard let table = row[0], let count = row[1].flatMap({ Int($0) }) else { continue }
            counts[table] = count
        }
        return counts
    }

    /// Empties the data tables for `--reset`. The immutability guard rightly forbids
    /// truncating invoices, so the enabled user triggers are switched off around the TRUNCATE;
    /// being inside the seed's transaction, they cannot stay off if anything fails.
    private static func truncateDataTables(on connection: PostgresConnection) async throws {
        let triggers = try await connection.query("""
            SELECT tgrelid::regclass::text, quote_ident(tgname), tgenabled::text
            FROM pg_trigger
            WHERE tgrelid = ANY ($1::regclass[]) AND NOT tgisinternal AND tgenabled <> 'D'
            ORDER BY 1, 2
            """, ["{" + dataTables.joined(separator: ",") + "}"])
        for row in triggers.rows {
            guard let table = row[0], let trigger = row[1] else { continue }
            try await connection.query("ALTER TABLE \(table) DISABLE TRIGGER \(trigger)")
        }
        try await connection.query("TRUNCATE \(dataTables.joined(separator: ", ")) RESTART IDENTITY")
        for row in triggers.rows {
            guard let table = row[0], let trigger = row[1], let mode = row[2] else { continue }
            // Put each trigger back in the mode it had ('O' origin, 'A' always, 'R' replica).
            let enable = switch mode {
            case "A": "ENABLE ALWAYS TRIGGER"
            case "R": "ENABLE REPLICA TRIGGER"
            default: "ENABLE TRIGGER"
            }
            try await connection.query("ALTER TABLE \(table) \(enable) \(trigger)")
        }
    }

    private static func summary(
        on connection: PostgresConnection, plan: SeedPlan, steps: [SeedStepTiming], duration: Duration
    ) async throws -> SeedSummary {
        let counts = try await connection.query("""
            SELECT (SELECT count(*) FROM customers),
                   (SELECT count(*) FROM customers AS c WHERE NOT EXISTS (SELECT 1 FROM orders AS o WHERE o.customer_id = c.id)),
                   (SELECT count(*) FROM products),
                   (SELECT count(*) FROM orders),
                   (SELECT count(*) FROM order_lines),
                   (SELECT count(*) FROM invoices),
                   (SELECT count(*) FROM drill_canary)
            """)
        let values = (counts.rows.first ?? []).map { $0.flatMap { Int($0) } ?? 0 }
        let series = try await connection.query("""
            SELECT c.series, count(i.id), coalesce(max(i.number), 0), c.next_value
            FROM invoice_counters AS c
            LEFT JOIN invoices AS i ON i.series = c.series
            GROUP BY c.series, c.next_value
            ORDER BY c.series
            """)
        return SeedSummary(
            plan: plan,
            customers: values[0],
            customersWithoutOrders: values[1],
            products: values[2],
            orders: values[3],
            orderLines: values[4],
            invoices: values[5],
            invoiceSeries: series.rows.map { row in
                SeedSummary.InvoiceSeries(
                    series: row[0] ?? "",
                    invoiceCount: row[1].flatMap { Int($0) } ?? 0,
                    lastNumber: row[2].flatMap { Int($0) } ?? 0,
                    nextNumber: row[3].flatMap { Int($0) } ?? 0)
            },
            canaryPlanted: values[6] > 0,
            steps: steps,
            duration: duration)
    }
}
