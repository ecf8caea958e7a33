import Foundation

/// UTC timestamps as ISO 8601 (`2026-06-24T02:15:00.123Z`), the only form reports use.
public enum ISO8601 {
    public static func string(from date: Date, fractional: Bool = true) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: fractional, timeZone: .gmt))
    }

    public static func date(from text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt).parse(text)
    }
}
