/// The outcome of a step, a check, an objective or the whole drill.
/// `error` means the verification did not happen; it is never shown as a pass.
public enum Verdict: String, Sendable, Codable, CaseIterable, Comparable {
    case pass, fail, error, skipped

    private var severity: Int {
        switch self {
        case .pass: 0
        case .skipped: 1
        case .fail: 2
        case .error: 3
        }
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.severity < rhs.severity }

    public var symbol: String {
        switch self {
        case .pass: "✔"
        case .fail: "✘"
        case .error: "!"
        case .skipped: "-"
        }
    }

    public var label: String { rawValue.uppercased() }
}
