/// Reasons `refstore seed` refuses to run.
public enum SeedError: Error, Equatable, CustomStringConvertible {
    case orderCountOutOfRange(Int, allowed: ClosedRange<Int>)
    /// Seeding adds rows with fixed ids; on top of existing data it would collide or mix
    /// two data sets, so it asks for an explicit reset.
    case databaseNotEmpty(rowCounts: [String: Int])
    case emptyCanary

    public var description: String {
        switch self {
        case let .orderCountOutOfRange(count, allowed):
            return "cannot seed \(count) orders: the order count must be between \(allowed.lowerBound) and \(allowed.upperBound)"
        case let .databaseNotEmpty(rowCounts):
            let held = rowCounts.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            return "refusing to seed: the database already holds data (\(held)); pass --reset to wipe it first"
        case .emptyCanary:
            return "the drill canary is empty; set DRILL_CANARY to a non-empty secret or unset it"
        }
    }
}
