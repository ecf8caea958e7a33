import Foundation

/// How a scenario's `table.column` finds its entry in the manifest (or in explicit values).
/// The manifest writes `table.column`; a scenario may write `orders`, `public.orders` or
/// `sales.orders`, so each spelling is tried, the one as written first.
enum ExpectationKeys {
    static func candidates(table: String, column: String) -> [String] {
        let parts = table.split(separator: ".", maxSplits: 1).map(String.init)
        var keys = [table + "." + column]
        if parts.count == 2 {
            keys.append(parts[1] + "." + column)
        } else {
            keys.append("public." + table + "." + column)
        }
        return keys
    }

    static func candidates(_ column: ColumnReference) -> [String] {
        candidates(table: column.qualifiedTable, column: column.column)
    }

    static func candidates(table: String) -> [String] {
        [table, Manifest.qualified(table)] + (table.hasPrefix("public.") ? [String(table.dropFirst("public.".count))] : [])
    }

    static func lookup<Value>(_ values: [String: Value], _ keys: [String]) -> Value? {
        for key in keys {
            if let value = values[key] { return value }
        }
        return nil
    }
}
