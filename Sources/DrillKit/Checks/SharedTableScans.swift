import Foundation

/// An aggregate a check needs over a whole table, which another check may need too.
public enum TableAggregate: Sendable, Hashable {
    /// `count(*)`.
    case rowCount
    /// `sum(column)` as text, per value of `groupedBy` (as text) or over the whole table.
    case total(column: String, groupedBy: String?)
    /// `count(*)` per value of `column` (as text).
    case valueCounts(column: String)
    /// Per series (as text; `''` without a series column): invoices, numbers ≥ 1 and the
    /// highest of them.
    case invoiceNumbers(number: String, series: String?)
}

/// One table a check scans whole, and what it computes there.
public struct TableScanNeed: Sendable, Hashable {
    /// The table as the check spells it in SQL (`"orders"`, `"shop"."orders"`).
    public var table: String
    public var aggregate: TableAggregate

    public init(table: String, _ aggregate: TableAggregate) {
        self.table = table
        self.aggregate = aggregate
    }
}

/// One currency's total (`*` for the whole column, `NULL` for a NULL currency).
struct MoneyGroupTotal: Sendable, Equatable {
    var group: String
    var total: String
}

/// How many rows hold one value of a column.
struct ValueCount: Sendable, Equatable {
    var value: String?
    var rows: Int64
}

/// Per-series invoice figures from one pass.
struct InvoiceNumberGroup: Sendable, Equatable {
    var series: String?
    var invoices: Int64
    var numbered: Int64
    var latest: Int64?
}

/// One pass over a table for every check that needs an aggregate of it. On 2 cores at a
/// million orders, the row counts, money totals and invoice numbers scanned `orders`,
/// `order_lines` and `invoices` seven times; each table read once makes the check phase
/// about a quarter shorter, and the check phase is part of the measured RTO.
///
/// The first check to ask runs the table's query on its own connection; the others wait for
/// the same answer. A table only one aggregate needs is left to its check. When the shared
/// query fails (a column that cannot be summed, say) every check falls back to its own
/// query, so sharing changes no verdict and no message.
public actor SharedTableScans {
    /// More groups than this per grouping is a wrong column; the checks say so.
    static let groupLimit = 1000

    struct TablePlan: Sendable {
        var table: String
        /// Grouping keys, as column names; each gets its own grouping set beside `()`.
        var keys: [String]
        var totals: [String]
        var invoiceNumbers: [String]

        init(table: String, aggregates: [TableAggregate]) {
            self.table = table
            var keys: [String] = [], totals: [String] = [], numbers: [String] = []
            func add(_ value: String, to list: inout [String]) { if !list.contains(value) { list.append(value) } }
            for aggregate in aggregates {
                switch aggregate {
                case .rowCount:
                    break
                case .valueCounts(let column):
                    add(column, to: &keys)
                case .total(let column, let key):
                    add(column, to: &totals)
                    if let key { add(key, to: &keys) }
                case .invoiceNumbers(let number, let series):
                    add(number, to: &numbers)
                    if let series { add(series, to: &keys) }
                }
            }
            self.keys = keys
            self.totals = totals
            self.invoiceNumbers = numbers
        }

        /// The `GROUPING(...)` value of the set grouped by `key` (nil: the whole table).
        /// PostgreSQL sets a bit for each argument the set does NOT group by, the last
        /// argument in the lowest bit.
        func groupingValue(of key: String?) -> Int {
            let all = (1 << keys.count) - 1
            guard let key, let index = keys.firstIndex(of: key) else { return all }
            return all & ~(1 << (keys.count - 1 - index))
        }

        var sql: String {
            let keyExpressions = keys.map { "(\($0.sqlIdentifier))::text" }
            var columns = [keys.isEmpty ? "0 AS grouping_set" : "GROUPING(\(keyExpressions.joined(separator: ", "))) AS grouping_set"]
            columns += keyExpressions.enumerated().map { index, expression in "\(expression) AS key_\(index)" }
            columns.append("count(*) AS row_count")
            columns += totals.enumerated().map { index, column in "sum(\(column.sqlIdentifier))::text AS total_\(index)" }
            for (index, number) in invoiceNumbers.enumerated() {
                let column = number.sqlIdentifier
                columns.append("count(*) FILTER (WHERE \(column) >= 1) AS numbered_\(index)")
                columns.append("max(\(column)) FILTER (WHERE \(column) >= 1) AS latest_\(index)")
            }
            let from = "FROM \(table)"
            guard !keys.isEmpty else {
                return "SELECT " + columns.joined(separator: ",\n       ") + "\n" + from
            }
            let partition = "GROUPING(\(keyExpressions.joined(separator: ", ")))"
            columns.append("row_number() OVER (PARTITION BY \(partition) ORDER BY \(keyExpressions.joined(separator: ", "))) AS rank")
            let sets = (["()"] + keyExpressions.map { "(\($0))" }).joined(separator: ", ")
            // Each grouping set is cut at the limit on the server, as the checks' own queries are.
            return """
                SELECT * FROM (
                SELECT \(columns.joined(separator: ",\n       "))
                \(from)
                GROUP BY GROUPING SETS (\(sets))
                ) AS per_set
                WHERE rank <= \(SharedTableScans.groupLimit + 1)
                ORDER BY grouping_set DESC, rank
                """
        }
    }

    /// The answer to one table's query, indexed by column name, and the SQL that gave it.
    struct TableRows: Sendable {
        var sql: String
        var columns: [String]
        var rows: [[String?]]

        func value(_ column: String, in row: [String?]) -> String? {
            columns.firstIndex(of: column).flatMap { row[$0] }
        }

        func rows(groupedBy grouping: Int) -> [[String?]] {
            rows.filter { value("grouping_set", in: $0).flatMap { Int($0) } == grouping }
        }
    }

    private let plans: [String: TablePlan]
    private var scans: [String: Task<TableRows, any Error>] = [:]

    /// Plans one query per table that more than one aggregate is needed of.
    public init(needs: [TableScanNeed]) {
        var aggregates: [String: [TableAggregate]] = [:]
        var order: [String] = []
        for need in needs {
            if aggregates[need.table] == nil { order.append(need.table) }
            if !aggregates[need.table, default: []].contains(need.aggregate) {
                aggregates[need.table, default: []].append(need.aggregate)
            }
        }
        var plans: [String: TablePlan] = [:]
        for table in order {
            let wanted = aggregates[table] ?? []
            guard wanted.count > 1 else { continue }
            plans[table] = TablePlan(table: table, aggregates: wanted)
        }
        self.plans = plans
    }

    /// The tables read once for several aggregates, for the record.
    public nonisolated var sharedTables: [String] { plans.keys.sorted() }

    /// A shared answer and the SQL it came from, which the check records as its own.
    struct Answer<Value: Sendable>: Sendable {
        var value: Value
        var sql: String
    }

    // MARK: Answers (nil: not shared, or the shared query failed; the check asks on its own)

    func rowCount(of table: String, on connection: any DatabaseConnection) async -> Answer<Int64>? {
        guard let plan = plans[table], let scan = await rows(of: plan, on: connection),
              let whole = scan.rows(groupedBy: plan.groupingValue(of: nil)).first,
              let count = scan.value("row_count", in: whole).flatMap({ Int64($0) }) else { return nil }
        return Answer(value: count, sql: scan.sql)
    }

    /// Totals keyed by group (`NULL` for a NULL group, `*` without a key), in key order, at
    /// most `groupLimit + 1` of them; nil when this total is not part of a shared scan.
    func totals(of column: String, in table: String, groupedBy key: String?,
                on connection: any DatabaseConnection) async -> Answer<[MoneyGroupTotal]>? {
        guard let plan = plans[table], let index = plan.totals.firstIndex(of: column) else { return nil }
        let keyIndex = key.flatMap { plan.keys.firstIndex(of: $0) }
        guard key == nil || keyIndex != nil, let scan = await rows(of: plan, on: connection) else { return nil }
        let name = "total_\(index)"
        guard let keyIndex else {
            guard let whole = scan.rows(groupedBy: plan.groupingValue(of: nil)).first else { return nil }
            return Answer(value: [MoneyGroupTotal(group: "*", total: scan.value(name, in: whole) ?? "0")], sql: scan.sql)
        }
        let totals = scan.rows(groupedBy: plan.groupingValue(of: key)).map { row in
            MoneyGroupTotal(group: scan.value("key_\(keyIndex)", in: row) ?? "NULL", total: scan.value(name, in: row) ?? "0")
        }
        return Answer(value: totals, sql: scan.sql)
    }

    /// Rows per value (nil for NULL) in value order, at most `groupLimit + 1` values.
    func valueCounts(of column: String, in table: String, on connection: any DatabaseConnection) async -> Answer<[ValueCount]>? {
        guard let plan = plans[table], let keyIndex = plan.keys.firstIndex(of: column),
              let scan = await rows(of: plan, on: connection) else { return nil }
        let counts = scan.rows(groupedBy: plan.groupingValue(of: column)).map { row in
            ValueCount(value: scan.value("key_\(keyIndex)", in: row), rows: scan.value("row_count", in: row).flatMap { Int64($0) } ?? 0)
        }
        return Answer(value: counts, sql: scan.sql)
    }

    /// Per-series figures in series order, at most `groupLimit + 1` series; without a series
    /// column, one group keyed `""` (none for an empty table, as the check's own query).
    func invoiceNumbers(_ number: String, in table: String, series: String?,
                        on connection: any DatabaseConnection) async -> Answer<[InvoiceNumberGroup]>? {
        guard let plan = plans[table], let index = plan.invoiceNumbers.firstIndex(of: number) else { return nil }
        let seriesIndex = series.flatMap { plan.keys.firstIndex(of: $0) }
        guard series == nil || seriesIndex != nil, let scan = await rows(of: plan, on: connection) else { return nil }
        let groups = scan.rows(groupedBy: plan.groupingValue(of: series)).map { row in
            InvoiceNumberGroup(
                series: seriesIndex.map { scan.value("key_\($0)", in: row) } ?? "",
                invoices: scan.value("row_count", in: row).flatMap { Int64($0) } ?? 0,
                numbered: scan.value("numbered_\(index)", in: row).flatMap { Int64($0) } ?? 0,
                latest: scan.value("latest_\(index)", in: row).flatMap { Int64($0) })
        }
        if series == nil, groups.allSatisfy({ $0.invoices == 0 }) { return Answer(value: [], sql: scan.sql) }
        return Answer(value: groups, sql: scan.sql)
    }

    // MARK: Running

    /// Runs the table's query once, on the connection of the first check to ask.
    private func rows(of plan: TablePlan, on connection: any DatabaseConnection) async -> TableRows? {
        let scan: Task<TableRows, any Error>
        if let running = scans[plan.table] {
            scan = running
        } else {
            let sql = plan.sql
            scan = Task {
                let result = try await connection.query(sql)
                return TableRows(sql: sql, columns: result.columns, rows: result.rows)
            }
            scans[plan.table] = scan
        }
        do {
            let rows = try await withTaskCancellationHandler {
                try await scan.value
            } onCancel: {
                // Only an interrupted drill cancels a check, and then every check stops.
                scan.cancel()
            }
            return rows
        } catch {
            return nil
        }
    }
}

// The checks' side: an answer from the shared pass is recorded like a query of their own.
extension CheckTranscript {
    func sharedRowCount(of table: String) async -> Int64? {
        guard let answer = await sharedScans?.rowCount(of: table, on: connection) else { return nil }
        recordShared(answer.sql)
        return answer.value
    }

    func sharedTotals(of column: String, in table: String, groupedBy key: String?) async -> [MoneyGroupTotal]? {
        guard let answer = await sharedScans?.totals(of: column, in: table, groupedBy: key, on: connection) else { return nil }
        recordShared(answer.sql)
        return answer.value
    }

    func sharedValueCounts(of column: String, in table: String) async -> [ValueCount]? {
        guard let answer = await sharedScans?.valueCounts(of: column, in: table, on: connection) else { return nil }
        recordShared(answer.sql)
        return answer.value
    }

    func sharedInvoiceNumbers(_ number: String, in table: String, series: String?) async -> [InvoiceNumberGroup]? {
        guard let answer = await sharedScans?.invoiceNumbers(number, in: table, series: series, on: connection) else {
            return nil
        }
        recordShared(answer.sql)
        return answer.value
    }
}
