/// How far a program's output may differ from the output it is compared with (`allow:`): a
/// plugin list after an upgrade, or on a drill against what production printed at backup time.
public enum OutputAllowance: String, Sendable, CaseIterable {
    /// Byte for byte (trailing blank lines aside).
    case exact
    /// Dotted version numbers may change (`invoices 1.0.0` → `invoices 1.1.0`); nothing else.
    case versionBumps = "version_bumps"

    /// The line as this allowance compares it.
    func normalized(_ line: String) -> String {
        switch self {
        case .exact: line
        case .versionBumps: line.replacingOccurrences(of: #"\d+(\.\d+)+"#, with: "<version>", options: .regularExpression)
        }
    }
}
