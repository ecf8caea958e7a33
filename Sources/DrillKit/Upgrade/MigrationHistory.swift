/// What a migrations table says was applied between two readings of it.
enum MigrationHistory {
    /// The entries of `after` that `before` does not account for, in order; nil without a
    /// migrations table. Counted as a multiset: a runner that records the same migration a
    /// second time (a history table keyed by a serial, not by the migration) applied it again.
    static func applied(before: [String]?, after: [String]?) -> [String]? {
        guard let after else { return nil }
        var unmatched = [String: Int]()
        for id in before ?? [] { unmatched[id, default: 0] += 1 }
        return after.filter { id in
            guard let left = unmatched[id], left > 0 else { return true }
            unmatched[id] = left - 1
            return false
        }
    }
}
