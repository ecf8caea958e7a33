import Foundation

/// Durations as scenarios write them (`90s`, `15m`, `1h30m`, `31d`) and as reports show them.
public enum DurationText {
    private static let unitSeconds: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]

    /// Seconds, or nil when the text is not `<number><unit>` groups with units s, m, h, d
    /// (largest first, each at most once), e.g. `1h30m`.
    public static func parse(_ text: String) -> Double? {
        var total = 0.0
        var digits = ""
        var lastUnitSize = Double.infinity
        var sawGroup = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                digits.append(character)
            } else if character == "m", text.index(after: index) < text.endIndex, text[text.index(after: index)] == "s" {
                guard let value = Double(digits), lastUnitSize > 0.001 else { return nil }
                total += value / 1000
                lastUnitSize = 0.001
                digits = ""
                sawGroup = true
                index = text.index(after: index)
            } else if let size = unitSeconds[character] {
                guard let value = Double(digits), value >= 0, size < lastUnitSize else { return nil }
                total += value * size
                lastUnitSize = size
                digits = ""
                sawGroup = true
            } else {
                return nil
            }
            index = text.index(after: index)
        }
        guard sawGroup, digits.isEmpty else { return nil }
        return total
    }

    public static let hint = "write a duration as 90s, 15m, 1h or 1h30m"

    /// `0.84s`, `12.3s`, `4m 05s`, `2h 03m`, `3d 04h`.
    public static func format(_ seconds: Double) -> String {
        if seconds < 0 { return "-" + format(-seconds) }
        if seconds < 10 { return String(format: "%.2fs", seconds) }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        if whole < 86400 { return String(format: "%dh %02dm", whole / 3600, (whole % 3600) / 60) }
        return String(format: "%dd %02dh", whole / 86400, (whole % 86400) / 3600)
    }

    /// A cadence in days when it is whole days (`31d`), otherwise as an objective.
    public static func formatCadence(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole % 86400 == 0 ? "\(whole / 86400)d" : formatObjective(seconds)
    }

    /// The compact form a scenario would use (`1h`, `30m`, `24h`), for objectives.
    public static func formatObjective(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole % 3600 == 0 { return "\(whole / 3600)h" }
        if whole % 60 == 0 { return "\(whole / 60)m" }
        return "\(whole)s"
    }
}

/// Sizes as scenarios write them (`4KiB`, `10MB`, `512B`).
public enum SizeText {
    private static let units: [(String, Int64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("B", 1),
    ]

    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, multiplier) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value >= 0 else { return nil }
            return Int64(value * Double(multiplier))
        }
        return nil
    }

    public static let hint = "write a size as 4KiB, 512KiB, 10MB or 2GiB"

    public static func format(_ bytes: Int64) -> String {
        let value = Double(bytes)
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return String(format: "%.1f KiB", value / 1024) }
        if bytes < 1 << 30 { return String(format: "%.1f MiB", value / 1048576) }
        return String(format: "%.2f GiB", value / 1073741824)
    }
}
