/// How a money column is totalled. Production's manifest and the money check must total a
/// column the same way or they compare different things, so both take the rule from here:
/// per currency when the currency column lives in the money column's table, else the whole
/// column under `*`. Sums come back as text: they can outgrow 64 bits.
enum MoneyTotals {
    static func groupingColumn(for column: ColumnReference, currency: ColumnReference?) -> ColumnReference? {
        guard let currency, Manifest.qualified(currency.qualifiedTable) == Manifest.qualified(column.qualifiedTable) else {
            return nil
        }
        return currency
    }

    /// Rows of (currency, total); with `limit`, at most `limit` groups in currency order.
    static func query(for column: ColumnReference, groupedBy currency: ColumnReference?, limit: Int? = nil,
                      engine: DatabaseEngine = .postgresql) -> String {
        let money = column.column.sqlIdentifier
        let table = column.qualifiedTable.sqlQualifiedIdentifier
        guard let currency else {
            return "SELECT '*' AS currency, \(engine.text("coalesce(sum(\(money)), 0)")) AS total FROM \(table)"
        }
        return """
            SELECT \(engine.text(currency.column.sqlIdentifier)) AS currency, \(engine.text("sum(\(money))")) AS total
            FROM \(table)
            GROUP BY 1
            ORDER BY 1
            """ + (limit.map { "\nLIMIT \($0)" } ?? "")
    }

    /// A total as whole cents: exact when it is whole, else rounded, as a manifest records a
    /// sum in dollars or of REALs (the money check fails such a column on its type).
    static func wholeCents(_ total: String) -> Int64? {
        Int64(total) ?? Double(total).flatMap { Int64(exactly: $0.rounded()) }
    }
}
