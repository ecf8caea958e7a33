import Foundation

/// The gate's first look, through the current version on the restored copy: its version and
/// what the database holds, before any migration. When production's manifest came with the
/// backup, the copy must equal it: a baseline of the wrong data would prove nothing.
struct BaselineStep: DrillStep {
    let id = StepID.baseline
    let title = "Record the baseline the current version runs on"
    let spec: UpgradeSpec

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        var before = try await UpgradeFiguresReader.read("the baseline", in: drill, migrations: spec.migrations)
        var evidence = ["\(before.figures.rowCounts.count) tables, \(before.figures.rowCounts.values.reduce(0, +)) rows"]
        if let version = spec.version, let address = state.appAddress {
            let reported = try await UpgradeFiguresReader.version(version, at: address)
            before.version = reported
            if let problem = UpgradeFiguresReader.mismatch(reported, expected: version.from, side: "current") {
                throw StepFailure(.fail, problem + ": the backup and the current version do not belong together")
            }
            evidence.append("current version \(reported)")
        }
        before.commandOutputs = try await UpgradeCommandOutputs.read(spec.commands, drill, side: "current")
        if let outputs = before.commandOutputs { evidence.append("outputs of " + outputs.keys.sorted().joined(separator: ", ")) }
        if let migrations = before.migrations { evidence.append("\(migrations.count) migrations recorded, the last \(migrations.last ?? "none")") }
        if let size = before.databaseSizeBytes { evidence.append("database size \(SizeText.format(size))") }
        if let production = state.manifest {
            let differences = UpgradeComparison.differences(from: production, to: before.figures, tables: Array(production.rowCounts.keys))
            guard differences.isEmpty else {
                throw StepFailure(.fail, "the restored copy differs from production's manifest before any migration: "
                                  + differences.prefix(5).joined(separator: "; "))
            }
            evidence.append("equals production's manifest (taken \(ISO8601.string(from: production.takenAt, fractional: false)))")
        }
        // From here on the checks compare with what the current version saw: the upgrade must keep it.
        before.figures.reportedBy = "the pre-upgrade baseline"
        // But what production printed stays production's (plugins-pre.txt, diffed after the upgrade).
        before.figures.commandOutputs = state.manifest?.commandOutputs
        state.manifest = before.figures
        state.upgradeBefore = before
        var upgrade = record.upgrade ?? UpgradeRecord()
        upgrade.before = before
        record.upgrade = upgrade
        return StepResult("baseline of \(before.figures.rowCounts.count) tables" + (before.version.map { " through version \($0)" } ?? ""), evidence)
    }
}
