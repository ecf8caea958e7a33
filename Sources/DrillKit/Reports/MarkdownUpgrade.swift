import Foundation

/// The upgrade gate's section of the Markdown report: both sides, what the migrations did,
/// whether running them again changed anything, and the way back.
enum MarkdownUpgrade {
    static func section(_ upgrade: UpgradeRecord) -> String {
        var blocks = ["## Upgrade"]
        let before = upgrade.before, after = upgrade.after
        var rows: [[String]] = [
            ["Version", before?.version.map(MarkdownText.inline) ?? "not read", after?.version.map(MarkdownText.inline) ?? "not read"],
            ["Database size", before?.databaseSizeBytes.map(SizeText.format) ?? "not read", after?.databaseSizeBytes.map(SizeText.format) ?? "not read"],
            ["Migrations recorded", migrations(before?.migrations), migrations(after?.migrations)],
        ]
        let tables = Set((before?.figures.rowCounts.keys).map(Array.init) ?? []).union((after?.figures.rowCounts.keys).map(Array.init) ?? []).sorted()
        for table in tables {
            rows.append(["Rows in " + MarkdownText.code(table), count(before?.figures.rowCounts[table]), count(after?.figures.rowCounts[table])])
        }
        let columns = Set((before?.figures.moneyTotals.keys).map(Array.init) ?? []).union((after?.figures.moneyTotals.keys).map(Array.init) ?? []).sorted()
        for column in columns {
            let currencies = Set(before?.figures.moneyTotals[column]?.keys.map { $0 } ?? []).union(after?.figures.moneyTotals[column]?.keys.map { $0 } ?? []).sorted()
            for currency in currencies {
                let label = "Total of " + MarkdownText.code(column) + (currency == "*" ? "" : " in \(MarkdownText.inline(currency))") + " (cents)"
                rows.append([label, count(before?.figures.moneyTotals[column]?[currency]), count(after?.figures.moneyTotals[column]?[currency])])
            }
        }
        let invoices = Set((before?.figures.invoiceLatest.keys).map(Array.init) ?? []).union((after?.figures.invoiceLatest.keys).map(Array.init) ?? []).sorted()
        for column in invoices {
            let series = Set(before?.figures.invoiceLatest[column]?.keys.map { $0 } ?? []).union(after?.figures.invoiceLatest[column]?.keys.map { $0 } ?? []).sorted()
            for name in series {
                let label = "Latest " + MarkdownText.code(column) + (name.isEmpty ? "" : " in series \(MarkdownText.inline(name))")
                rows.append([label, count(before?.figures.invoiceLatest[column]?[name]), count(after?.figures.invoiceLatest[column]?[name])])
            }
        }
        blocks.append(MarkdownText.table(header: ["", "Before (current version)", "After (new version)"], rows: rows))
        if let applied = upgrade.applied {
            let first = upgrade.firstRunSeconds.map { " (first run \(DurationText.format($0)))" } ?? ""
            if let head = upgrade.previousHead, let new = applied.last?.id, head.hasPrefix("schema version ") {
                blocks.append("The store's schema moved from \(head) to \(new.dropFirst("schema version ".count))\(first), "
                              + "as SQLite's `PRAGMA user_version` keeps it: a snapshot upgrade brings every row across at once.")
            } else if let head = upgrade.previousHead, let new = applied.last?.id {
                blocks.append("The schema moved from revision \(MarkdownText.code(head)) to \(MarkdownText.code(new))\(first). "
                              + "The migrations table keeps only the current revision, so the steps between are not listed.")
            } else {
                blocks.append(applied.isEmpty ? "No migration was applied\(first)."
                              : "Migrations applied\(first):\n\n" + applied.map { "- " + MarkdownText.code($0.id) + ($0.seconds.map { ", \(DurationText.format($0))" } ?? "") }.joined(separator: "\n"))
            }
        }
        if let atStart = upgrade.appliedAtStart {
            blocks.append("The new version applied " + atStart.map(MarkdownText.code).joined(separator: ", ")
                          + " as it started, beyond what its migrate command applied.")
        }
        if let again = upgrade.secondRunApplied {
            let time = upgrade.secondRunSeconds.map { " in \(DurationText.format($0))" } ?? ""
            blocks.append(again.isEmpty ? "**Idempotent**: the second run\(time) applied nothing and changed nothing."
                          : "**Not idempotent**: the second run\(time) applied " + again.map(MarkdownText.code).joined(separator: ", ") + ".")
        }
        if let rollback = upgrade.rollback {
            let rto = rollback.rtoSeconds.map { ", RTO \(DurationText.format($0))" } ?? ""
            let way = switch UpgradeSpec.RollbackWay(rawValue: rollback.way ?? "") {
            case .inPlace?: "In place, as the upgrade guide rolls back: `pg_restore --clean --if-exists --no-owner` of the pre-upgrade dump onto the upgraded database.\n\n"
            case .preUpgrade?: "The store's `.pre-upgrade` copy back in place of its file (by the app's automatic rollback, or the guide's steps), "
                + "byte-identical to the file the upgrade started from"
                + (upgrade.preUpgradeSHA256.map { " (SHA-256 `\($0)`)" } ?? "") + ", the current version booted on it.\n\n"
            default: "A fresh restore of the pre-upgrade backup, the current version booted on it.\n\n"
            }
            let left = (rollback.leftovers ?? []).isEmpty ? ""
                : "\n\n**Left behind** by `--clean` (the new version added them; the dump does not hold them):\n\n"
                    + (rollback.leftovers ?? []).map { "- " + MarkdownText.inline($0) }.joined(separator: "\n")
            blocks.append("### The way back: \(rollback.verdict.label)\(rto)\n\n" + way
                          + MarkdownText.table(header: ["Step", "Verdict", "Duration", "Message"], rows: rollback.steps.map {
                              [MarkdownText.code($0.id.rawValue), $0.verdict.label, DurationText.format($0.durationSeconds), MarkdownText.inline($0.message ?? "")]
                          }) + left)
        }
        return blocks.joined(separator: "\n\n")
    }

    private static func migrations(_ ids: [String]?) -> String {
        guard let ids else { return "not read" }
        return "\(ids.count)" + (ids.last.map { " (last " + MarkdownText.code($0) + ")" } ?? "")
    }

    private static func count(_ value: Int64?) -> String { value.map(String.init) ?? "—" }
}
