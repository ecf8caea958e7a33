import Foundation

/// UTC timestamps as ISO 8601 (`2026-06-24T02:15:00.123Z`), the only form reports use.
public enum ISO8601 {
    public static func string(from date: Date, fractional: Bool = true) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: fractional, timeZone: .gmt))
    }

    /// `2026-06-24`: the UTC day, for tables and chart axes.
    public static func day(_ date: Date) -> String {
        String(string(from: date, fractional: false).prefix(10))
    }

    /// `2026-06-24 02:15`: the UTC minute, for history tables.
    public static func minute(_ date: Date) -> String {
        let full = string(from: date, fractional: false)
        return String(full.prefix(10)) + " " + String(full.dropFirst(11).prefix(5))
    }

    /// A time, or a day (`2026-12-01`) taken as its midnight UTC: what an operator types for "as of".
    public static func date(fromTimeOrDay text: String) -> Date? {
        if text.count == 10, let midnight = date(from: text + "T00:00:00Z") { return midnight }
        return date(from: text)
    }

    public static func date(from text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt).parse(text)
    }
}
