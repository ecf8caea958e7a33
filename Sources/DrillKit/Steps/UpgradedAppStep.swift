import Foundation

/// Boots the new version on the migrated copy and waits until it is healthy; its health must
/// report the new version (a deploy that still runs the old image looks healthy otherwise).
/// Then what it runs on is read, before any check writes, for the checks to compare with the
/// baseline.
struct UpgradedAppStep: DrillStep {
    let id = StepID.upgradedApp
    let title = "Boot the new version and wait until it is healthy"
    let spec: UpgradeSpec

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        var app = spec.to
        app.migrate = nil // run by the migrate step, twice; an app without one migrates itself as it starts
        var booted: BootedApp
        do {
            booted = try await drill.target.bootApp(app, key: state.masterKey)
        } catch let failure as StepFailure where failure.verdict == .error && drill.stopReason == nil {
            // The current version came up on this very copy with this very key: a new one that does
            // not is the upgrade's fault, and the boot's usual hint about the key would mislead.
            let message = failure.message.replacingOccurrences(of: "; " + AppBoot.keyHint, with: "")
            throw StepFailure(.fail, "the new version did not come up on the migrated copy: " + message, findings: failure.findings)
        }
        state.appAddress = booted.address
        state.appReady = true
        var evidence = booted.evidence
        guard let parameters = drill.target.connectionParameters(database: drill.scenario.environment.database.name) else {
            throw StepFailure(.error, "no restored database under the new version")
        }
        var after: UpgradeFigures
        do {
            after = try await UpgradeFiguresReader.read(parameters, scenario: drill.scenario, migrations: spec.migrations)
        } catch {
            throw StepFailure(.error, "could not read the upgraded database: \(error)")
        }
        after.commandOutputs = try await UpgradeCommandOutputs.read(spec.commands, drill, side: "new")
        state.upgradeAfter = after
        var upgrade = record.upgrade ?? UpgradeRecord()
        if spec.to.migrate == nil, let applied = MigrateStep.applied(before: upgrade.before?.migrations, after: after.migrations) {
            upgrade.applied = applied.map { AppliedMigrationRecord(id: $0) }
            evidence.append("applied at start-up: " + (applied.isEmpty ? "none" : applied.joined(separator: ", ")))
            // An app that migrates itself is restarted once: the second start must apply nothing.
            let stopped = await drill.target.stopApp()
            evidence += stopped.actions
            let again = try await drill.target.bootApp(app, key: state.masterKey)
            state.appAddress = again.address
            var restarted: [String]?
            do {
                // Only the migrations table: the figures were read once, after the first start.
                let connection = try await PostgresConnection.connect(parameters)
                defer { connection.close() }
                if let table = spec.migrations { restarted = try await UpgradeFiguresReader.migrations(table, on: connection) }
            } catch {
                throw StepFailure(.error, "could not read the migrations table after the restart: \(error)")
            }
            let second = MigrateStep.applied(before: after.migrations, after: restarted) ?? []
            upgrade.secondRunApplied = second
            record.upgrade = upgrade
            guard second.isEmpty else {
                throw StepFailure(.fail, "the migrations are not idempotent: restarting the new version applied \(second.joined(separator: ", ")) again")
            }
            evidence.append("restarted: applied nothing the second time")
            after.migrations = restarted
            booted = again
        }
        if let version = spec.version {
            let reported = try await UpgradeFiguresReader.version(version, at: booted.address)
            after.version = reported
            state.upgradeAfter = after
            upgrade.after = after
            record.upgrade = upgrade
            if let problem = UpgradeFiguresReader.mismatch(reported, expected: version.to, side: "new") {
                throw StepFailure(.fail, problem + ": the upgrade did not deploy the new version")
            }
            evidence.append("new version \(reported)")
        }
        upgrade.after = after
        record.upgrade = upgrade
        if let size = after.databaseSizeBytes, let before = upgrade.before?.databaseSizeBytes {
            evidence.append("database size \(SizeText.format(before)) → \(SizeText.format(size))")
        }
        return StepResult(booted.message + (after.version.map { "; version \($0)" } ?? ""), evidence)
    }
}
