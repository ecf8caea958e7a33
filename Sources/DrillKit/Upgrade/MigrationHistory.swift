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

    /// The revision a table that keeps only the current head (Alembic's `alembic_version`)
    /// held before, when the upgrade replaced it; nil for a history, which keeps every entry.
    static func replacedHead(before: [String]?, after: [String]?) -> String? {
        guard let before, let after, before.count == 1, !after.isEmpty, !after.contains(before[0]) else { return nil }
        return before[0]
    }

    /// What the upgrade did to the schema, in a few words: `2 migrations` for a history,
    /// `revision A → B` for a table that keeps only the head.
    static func described(applied: [String], previousHead: String?) -> String {
        let version = "schema version "
        if let previousHead, let head = applied.last, previousHead.hasPrefix(version), head.hasPrefix(version) {
            return version + previousHead.dropFirst(version.count) + " → " + head.dropFirst(version.count)
        }
        if let previousHead, let head = applied.last { return "revision \(previousHead) → \(head)" }
        return CheckWording.count(Int64(applied.count), "migration")
    }
}
