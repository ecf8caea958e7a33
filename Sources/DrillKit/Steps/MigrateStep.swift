import Foundation

/// Runs the new version's migrations on the restored copy, with the current version stopped,
/// then runs them again: a second run must apply nothing and change nothing (a migration
/// that is not idempotent fails here, on the copy, rather than on production's retry).
struct MigrateStep: DrillStep {
    let id = StepID.migrate
    let title = "Run the new version's migrations, twice"
    let spec: UpgradeSpec

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        let stopped = await drill.target.stopApp()
        state.appReady = false
        var evidence = stopped.actions
        if let file = drill.target.restoredFile {
            let hash = try await PreUpgradeFile.settle(file)
            var upgrade = record.upgrade ?? UpgradeRecord()
            upgrade.preUpgradeSHA256 = hash
            record.upgrade = upgrade
            evidence.append("the store's file as the new version finds it: sha256 \(hash) (its -wal folded in)")
        }
        guard let migrate = spec.to.migrate else {
            return StepResult("the new version migrates itself when it starts: what it applied is read after it boots", evidence)
        }
        let before = record.upgrade?.before?.migrations
        let first = try await runOnce(migrate, drill, state, name: "the first run")
        evidence.append("first run: \(drill.secrets.redact(first.command)) (\(first.output.statusDescription), \(DurationText.format(first.seconds)))")
        guard first.output.succeeded else {
            throw StepFailure(.fail, "the migrations failed (\(first.output.statusDescription)); their last lines:\n" + quote(first.output, drill))
        }
        let afterFirst = try await UpgradeFiguresReader.read("the migrated database", in: drill, migrations: spec.migrations)
        let applied = MigrationHistory.applied(before: before, after: afterFirst.migrations)
        let output = first.output.standardOutput + first.output.standardError
        var upgrade = record.upgrade ?? UpgradeRecord()
        upgrade.applied = applied?.map { AppliedMigrationRecord(id: $0, seconds: Self.seconds(of: $0, in: output)) }
        upgrade.previousHead = MigrationHistory.replacedHead(before: before, after: afterFirst.migrations)
        upgrade.firstRunSeconds = first.seconds
        record.upgrade = upgrade
        if let applied = upgrade.applied {
            evidence.append("applied: " + (applied.isEmpty ? "none" : applied.map { $0.id + ($0.seconds.map { " (\(DurationText.format($0)))" } ?? "") }.joined(separator: ", ")))
        }

        let second = try await runOnce(migrate, drill, state, name: "the second run")
        upgrade.secondRunSeconds = second.seconds
        evidence.append("second run: \(second.output.statusDescription), \(DurationText.format(second.seconds))")
        guard second.output.succeeded else {
            record.upgrade = upgrade
            throw StepFailure(.fail, "the migrations are not idempotent: the second run failed (\(second.output.statusDescription)); its last lines:\n"
                              + quote(second.output, drill))
        }
        let afterSecond = try await UpgradeFiguresReader.read("the migrated database", in: drill, migrations: spec.migrations)
        upgrade.secondRunApplied = MigrationHistory.applied(before: afterFirst.migrations, after: afterSecond.migrations) ?? []
        state.upgradeMigrations = afterSecond.migrations
        record.upgrade = upgrade
        let changes = SecondRun.changes(first: afterFirst, second: afterSecond)
        guard changes.isEmpty else {
            throw StepFailure(.fail, "the migrations are not idempotent: the second run " + changes.prefix(5).joined(separator: "; "))
        }
        evidence.append("second run applied nothing and changed nothing")
        let count = upgrade.applied.map { MigrationHistory.described(applied: $0.map(\.id), previousHead: upgrade.previousHead) } ?? "the migrations"
        return StepResult("applied \(count) in \(DurationText.format(first.seconds)); a second run applied nothing", evidence)
    }

    private func runOnce(_ migrate: MigrateSpec, _ drill: DrillContext, _ state: DrillState, name: String) async throws
        -> (command: String, output: CommandOutput, seconds: Double) {
        let command = try drill.target.migrationCommand(migrate, variables: spec.to.variables, key: state.masterKey)
        let clock = ContinuousClock.now
        do {
            let output = try await CommandRunner.run(command)
            return (command.displayLine, output, (ContinuousClock.now - clock).seconds)
        } catch {
            throw StepFailure(.error, "the migrate command could not start for \(name): \(drill.secrets.redact("\(error)"))")
        }
    }

    private func quote(_ output: CommandOutput, _ drill: DrillContext) -> String {
        AppBoot.quote((output.standardOutput + output.standardError).split(separator: "\n").map(String.init), secrets: drill.secrets)
    }

    /// A migration's time as the runner printed it on the line naming it (`applied
    /// 0012_customer_name_parts in 41ms` for `12 customer_name_parts`); nil when no line
    /// names it with a time. The name is matched when the table has one, else the id.
    static func seconds(of id: String, in output: String) -> Double? {
        let name = id.split(separator: " ", maxSplits: 1).last.map(String.init) ?? id
        for line in output.split(separator: "\n") where line.contains(name) {
            let rest = line.replacingOccurrences(of: name, with: " ")
            guard let match = rest.firstMatch(of: /(\d+(?:\.\d+)?)\s?(ms|s)\b/), let value = Double(match.1) else { continue }
            return match.2 == "ms" ? value / 1000 : value
        }
        return nil
    }
}
