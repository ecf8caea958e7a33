import Foundation

/// `20261121T161200Z-3f9a1c`: sortable by time, unique enough for names on one host.
public enum RunID {
    public static func make(at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date) + "-" + RandomToken.hex(bytes: 3)
    }
}
