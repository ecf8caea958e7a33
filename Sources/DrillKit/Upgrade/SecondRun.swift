/// Why a second run of the migrations (or a second start of an app that migrates itself) was
/// not a no-op: what it applied again, and every figure or schema object it changed.
enum SecondRun {
    static func changes(first: UpgradeFigures, second: UpgradeFigures) -> [String] {
        let again = MigrationHistory.applied(before: first.migrations, after: second.migrations) ?? []
        var changes = again.isEmpty ? [] : ["applied \(again.joined(separator: ", ")) again"]
        changes += UpgradeComparison.differences(from: first.figures, to: second.figures, tables: Array(first.figures.rowCounts.keys))
        if let one = first.figures.schema, let two = second.figures.schema {
            let difference = SchemaDifference(reference: one, restored: two)
            changes += difference.missing.map { "dropped \($0.object.described)" } + difference.added.map { "added \($0.object.described)" }
                + difference.changed.map { "changed \($0.reference.described)" }
        }
        return changes
    }
}
