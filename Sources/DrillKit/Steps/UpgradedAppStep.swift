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
        var booted = try await bootNewVersion(app, drill, state, failing: "the new version did not come up on the migrated copy: ")
        state.appAddress = booted.address
        state.appReady = true
        var evidence = booted.evidence
        var after = try await UpgradeFiguresReader.read("the upgraded database", in: drill, migrations: spec.migrations)
        after.commandOutputs = try await UpgradeCommandOutputs.read(spec.commands, drill, side: "new")
        state.upgradeAfter = after
        var upgrade = record.upgrade ?? UpgradeRecord()
        let migratesItself = spec.to.migrate == nil
        let reference = migratesItself ? upgrade.before?.migrations : state.upgradeMigrations
        let atStart = MigrationHistory.applied(before: reference, after: after.migrations)
        let head = MigrationHistory.replacedHead(before: reference, after: after.migrations)
        if migratesItself {
            upgrade.applied = atStart?.map { AppliedMigrationRecord(id: $0) }
            upgrade.previousHead = head
            if let atStart { evidence.append("applied at start-up: " + (atStart.isEmpty ? "none" : atStart.joined(separator: ", "))) }
        } else if let atStart, !atStart.isEmpty {
            // Not the gate's own doing: the report must not say the command did what the boot did.
            upgrade.appliedAtStart = atStart
            evidence.append("applied at start-up, beyond the migrate command: " + MigrationHistory.described(applied: atStart, previousHead: head))
        }
        if migratesItself || upgrade.appliedAtStart != nil {
            // An app that migrates itself is restarted once: the second start must come up,
            // apply nothing and change nothing, as a second run of a migrate command must.
            record.upgrade = upgrade
            evidence += await drill.target.stopApp().actions
            state.appReady = false
            booted = try await bootNewVersion(app, drill, state, failing: "the migrations are not idempotent: the new version did not come up again when restarted: ")
            state.appAddress = booted.address
            state.appReady = true
            let restarted = try await UpgradeFiguresReader.read("the upgraded database after the restart", in: drill, migrations: spec.migrations)
            upgrade.secondRunApplied = MigrationHistory.applied(before: after.migrations, after: restarted.migrations)
            record.upgrade = upgrade
            let changes = SecondRun.changes(first: after, second: restarted)
            guard changes.isEmpty else {
                throw StepFailure(.fail, "the migrations are not idempotent: restarting the new version " + changes.prefix(5).joined(separator: "; "))
            }
            evidence.append("restarted: applied nothing and changed nothing the second time")
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
        let startUp = upgrade.appliedAtStart.map { "; it applied \(MigrationHistory.described(applied: $0, previousHead: head)) as it started, beyond the migrate command" } ?? ""
        return StepResult(booted.message + (after.version.map { "; version \($0)" } ?? "") + startUp, evidence)
    }

    /// Boots the new version; one that does not come up on a copy the current version booted
    /// on, with the same key, is the upgrade's fault, and the boot's usual hint about the key
    /// would mislead.
    private func bootNewVersion(_ app: AppSpec, _ drill: DrillContext, _ state: DrillState, failing prefix: String) async throws -> BootedApp {
        do {
            return try await drill.target.bootApp(app, key: state.masterKey)
        } catch let failure as StepFailure where failure.verdict == .error && drill.stopReason == nil {
            let message = failure.message.replacingOccurrences(of: "; " + AppBoot.keyHint, with: "")
            throw StepFailure(.fail, prefix + message, findings: failure.findings)
        }
    }
}
