/// What changed between two sides of an upgrade (or between production's manifest and the
/// restored copy), in the words an operator reads: `customers: 2000 rows before, 1990 after`.
enum UpgradeComparison {
    /// Row counts of `tables`, every money total and every latest invoice number that differ.
    /// A table in `changed` may change its count: the scenario said why. Totals and invoices are
    /// compared for the columns both sides measured (production's manifest may have been taken
    /// for other checks than the gate's).
    static func differences(from before: Manifest, to after: Manifest, tables: [String],
                            changed: [(table: String, why: String)] = []) -> [String] {
        let allowed = Set(changed.map { Manifest.qualified($0.table) })
        var problems: [String] = []
        for table in tables.sorted() where !allowed.contains(table) {
            guard let count = before.rowCounts[table] else { continue }
            guard let now = after.rowCounts[table] else {
                problems.append("\(table) is gone (it had \(CheckWording.count(count, "row")))")
                continue
            }
            if now != count {
                problems.append("\(table): \(CheckWording.count(count, "row")) before, \(now) after (\(CheckWording.signedDifference(now, from: count)))")
            }
        }
        for (column, totals) in before.moneyTotals.sorted(by: { $0.key < $1.key }) where after.moneyTotals[column] != nil {
            for (currency, total) in totals.sorted(by: { $0.key < $1.key }) where after.moneyTotals[column]?[currency] != total {
                let now = after.moneyTotals[column]?[currency].map(String.init) ?? "none"
                problems.append("\(column) total\(currency == "*" ? "" : " in \(currency)"): \(total) before, \(now) after")
            }
        }
        for (column, series) in before.invoiceLatest.sorted(by: { $0.key < $1.key }) where after.invoiceLatest[column] != nil {
            for (name, latest) in series.sorted(by: { $0.key < $1.key }) where after.invoiceLatest[column]?[name] != latest {
                let now = after.invoiceLatest[column]?[name].map(String.init) ?? "none"
                problems.append("latest \(column)\(name.isEmpty ? "" : " in series \(name)"): \(latest) before, \(now) after")
            }
        }
        return problems
    }
}
