import Foundation

/// Small phrasing rules shared by the checks' messages, so every report words numbers alike.
enum CheckWording {
    /// The typographic minus (−), so a difference reads as a number and not as a dash.
    static let minus = "\u{2212}"
    /// Ranges of numbers use an en dash: `1041–1043`.
    static let enDash = "\u{2013}"

    /// `+3`, `−2`, `0`: how far `actual` is from `expected`.
    static func signedDifference(_ actual: Int64, from expected: Int64) -> String {
        let (difference, overflow) = actual.subtractingReportingOverflow(expected)
        if overflow {
            let exact = Decimal(actual) - Decimal(expected)
            return exact < 0 ? minus + "\(-exact)" : "+\(exact)"
        }
        if difference == 0 { return "0" }
        return difference < 0 ? minus + String(difference.magnitude) : "+" + String(difference)
    }

    /// A fraction as a percentage with at most three decimals: 0.005 → `0.5%`.
    static func percent(_ fraction: Double) -> String {
        var text = String(format: "%.3f", abs(fraction) * 100)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return (fraction < 0 && text != "0" ? minus : "") + text + "%"
    }

    /// `1 row`, `3 rows`.
    static func count(_ value: Int64, _ singular: String, _ plural: String? = nil) -> String {
        "\(value) " + (value == 1 ? singular : plural ?? singular + "s")
    }

    /// Lists at most `limit` items, then says how many more there are (`total` counts them all).
    static func list(_ items: [String], limit: Int = 20, total: Int? = nil) -> String {
        let shown = items.prefix(limit)
        let remaining = (total ?? items.count) - shown.count
        let joined = shown.joined(separator: ", ")
        return remaining > 0 ? joined + ", … and \(remaining) more" : joined
    }

    /// A value taken from the database for a message: short, and visibly quoted when it
    /// holds anything but letters and digits (so `'EUR '` shows its trailing space).
    static func quotedValue(_ value: String?, maximumLength: Int = 24) -> String {
        guard let value else { return "NULL" }
        let shortened = value.count > maximumLength ? String(value.prefix(maximumLength)) + "…" : value
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) }
        return plain ? shortened : "'" + shortened + "'"
    }

    /// `orders.id` for the default schema, `sales.orders.id` elsewhere.
    static func column(schema: String, table: String, column: String) -> String {
        (schema == "public" ? "" : schema + ".") + table + "." + column
    }
}
