import Foundation

/// The gate's check phase: the scenario's checks on the upgraded copy (their manifest is the
/// baseline, so `expect: manifest` means "as before the upgrade"), then the gate's own: every
/// table's rows, money totals and latest invoices kept, and the immutability guard still there
/// and firing.
struct UpgradeChecks: CheckPhase {
    let spec: UpgradeSpec
    let scenarioChecks = ScenarioChecks()

    static let keptID = "upgrade.kept"
    static let guardID = "upgrade.guard"
    static let commandsID = "upgrade.commands"

    func pending(_ drill: DrillContext) -> [CheckRecord] {
        var records = scenarioChecks.pending(drill)
        records.append(CheckRecord(id: Self.keptID, kind: "upgrade_kept", name: "rows, money totals and latest invoices kept", verdict: .skipped))
        if !spec.commands.isEmpty {
            records.append(CheckRecord(id: Self.commandsID, kind: "upgrade_commands",
                                       name: "outputs kept: " + spec.commands.map(\.name).joined(separator: ", "), verdict: .skipped))
        }
        if let table = spec.guardTable {
            records.append(CheckRecord(id: Self.guardID, kind: "upgrade_guard", name: "the immutability guard on \(table) fires", verdict: .skipped))
        }
        return records
    }

    func run(_ drill: DrillContext, _ state: DrillState, _ pending: [CheckRecord]) async -> CheckPhaseResult {
        let count = drill.scenario.checks.count
        var result = await scenarioChecks.run(drill, state, Array(pending.prefix(count)))
        var kept = pending[count]
        let clock = ContinuousClock.now
        (kept.verdict, kept.message, kept.observations) = keptVerdict(state)
        kept.durationSeconds = (ContinuousClock.now - clock).seconds
        drill.observer.checkFinished(kept)
        result.checks.append(kept)
        var next = count + 1
        if !spec.commands.isEmpty {
            var commands = pending[next]
            (commands.verdict, commands.message, commands.observations) = commandsVerdict(state)
            drill.observer.checkFinished(commands)
            result.checks.append(commands)
            next += 1
        }
        if spec.guardTable != nil {
            var guardRecord = pending[next]
            let started = ContinuousClock.now
            let outcome = await GuardProbe.run(spec.guardTable!, drill: drill)
            guardRecord.verdict = outcome.verdict
            guardRecord.message = outcome.message
            guardRecord.queries = outcome.queries
            guardRecord.durationSeconds = (ContinuousClock.now - started).seconds
            drill.observer.checkFinished(guardRecord)
            result.checks.append(guardRecord)
        }
        return result
    }

    private func commandsVerdict(_ state: DrillState) -> (Verdict, String, [Observation]) {
        guard let before = state.upgradeBefore?.commandOutputs, let after = state.upgradeAfter?.commandOutputs else {
            return (.error, "could not compare: the commands' outputs were not read under both versions", [])
        }
        var problems: [String] = [], summaries: [String] = [], observations: [Observation] = []
        for command in spec.commands {
            guard let old = before[command.name], let new = after[command.name] else {
                problems.append("\(command.name): no output under one of the versions")
                continue
            }
            let difference = UpgradeCommandOutputs.difference(old, new, allow: command.allow)
            observations.append(Observation(subject: command.name, expected: command.allow == .exact ? "the same output" : "the same output up to version numbers",
                                            actual: difference ?? "as expected", ok: difference == nil))
            if let difference {
                problems.append("\(command.name) changed: \(difference)" + (command.allow == .exact ? "" : " (more than a version bump)"))
            } else {
                let bumps = UpgradeCommandOutputs.bumps(old, new)
                summaries.append(command.name + (bumps.isEmpty ? " unchanged" : " unchanged up to version bumps (\(bumps.joined(separator: ", ")))"))
            }
        }
        guard problems.isEmpty else { return (.fail, problems.joined(separator: "; "), observations) }
        return (.pass, summaries.joined(separator: "; "), observations)
    }

    private func keptVerdict(_ state: DrillState) -> (Verdict, String, [Observation]) {
        guard let before = state.upgradeBefore, let after = state.upgradeAfter else {
            return (.error, "could not compare: the baseline or the upgraded figures were not read", [])
        }
        let tables = Array(before.figures.rowCounts.keys)
        // The migrations table grows by what the upgrade applied: that is the upgrade, not a loss.
        var changedTables = spec.changedTables
        if let migrations = spec.migrations {
            let applied = MigrationHistory.applied(before: before.migrations, after: after.migrations) ?? []
            let head = MigrationHistory.replacedHead(before: before.migrations, after: after.migrations)
            changedTables.append((migrations.table, "the migrations table, \(MigrationHistory.described(applied: applied, previousHead: head)) applied"))
        }
        let problems = UpgradeComparison.differences(from: before.figures, to: after.figures, tables: tables, changed: changedTables)
        let observations = tables.sorted().map { table in
            Observation(subject: table, expected: before.figures.rowCounts[table].map(String.init) ?? "?",
                        actual: after.figures.rowCounts[table].map(String.init) ?? "missing",
                        ok: before.figures.rowCounts[table] == after.figures.rowCounts[table]
                            || changedTables.contains { Manifest.qualified($0.table) == table })
        }
        guard problems.isEmpty else {
            return (.fail, "the upgrade lost or changed data: " + problems.prefix(5).joined(separator: "; ")
                    + (problems.count > 5 ? "; and \(problems.count - 5) more" : ""), observations)
        }
        let changed = changedTables.map { "\($0.table) (\($0.why))" }
        let compared = [before.figures.moneyTotals.isEmpty ? nil : "money totals", before.figures.invoiceLatest.isEmpty ? nil : "latest invoices"].compactMap { $0 }
        return (.pass, "every table's rows kept (\(tables.count) tables)" + (compared.isEmpty ? "" : ", \(compared.joined(separator: " and ")) equal")
                + (changed.isEmpty ? "" : "; changed as declared: " + changed.joined(separator: ", ")), observations)
    }
}
