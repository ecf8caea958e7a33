import Foundation

/// The way back the way ecommus's upgrade guide takes it (README, "upgrade.rollback"): the new
/// version stopped, the pre-upgrade dump restored with `pg_restore --clean --if-exists
/// --no-owner` onto the upgraded database itself, and the current version booted on the result.
/// `--clean` drops only what the dump holds, so what the new version's migrations added beside
/// it survives: the result is compared with the baseline the current version ran on, and every
/// object left behind is named. Runs on the forward target, before its teardown, whether the
/// upgrade passed or not: a failed migration is when operators take this way.
struct InPlaceRollback: ForwardTargetRollback {
    let spec: UpgradeSpec
    let app: AppSpec

    static let title = "Rehearse the way back in place: pg_restore --clean --if-exists --no-owner onto the upgraded database"
    static let restoreArguments = ["--clean", "--if-exists", "--no-owner", "--no-privileges"]
    static let way = UpgradeSpec.RollbackWay.inPlace
    static let wayBack = "the way back in place"

    func rehearse(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async -> RollbackParts {
        var parts = RollbackParts()
        let restore = await TimedStep.run("rollback_restore", "Restore the pre-upgrade dump with --clean over the upgraded schema", drill.secrets) {
            try await restoreOver(drill, state, &record, findings: &parts.findings)
        }
        parts.steps.append(restore)
        guard restore.verdict != .error else {
            // Nothing was restored: the upgraded database is no result to judge, nor to boot the old version on.
            parts.steps.append(StepRecord(id: "rollback_compare", title: Self.compareTitle, verdict: .skipped, message: "skipped: rollback_restore did not run"))
            return parts
        }
        // The old version is booted whatever the restore printed: whether it runs on the result
        // is what an operator needs to know next; and the result is read once it is up, as the
        // baseline was (an app that writes as it starts would otherwise read as a difference).
        parts.steps += await bootCurrentVersion(title: "Boot the current version on the result", drill, &state, &record)
        let current = state
        parts.steps.append(await TimedStep.run("rollback_compare", Self.compareTitle, drill.secrets) {
            try await compareWithBaseline(drill, current, findings: &parts.findings, leftovers: &parts.leftovers)
        })
        return parts
    }

    func passed(_ parts: RollbackParts, rto: Double) -> String {
        "pg_restore --clean onto the upgraded database gave back the pre-upgrade schema and data, and the current version\(currentVersionText) "
            + "is up on it in \(DurationText.format(rto)) (its RTO)"
    }

    /// pg_restore's errors are a finding, not the end: the comparison says what they did.
    private func restoreOver(_ drill: DrillContext, _ state: DrillState, _ record: inout DrillRecord,
                             findings: inout [Finding]) async throws -> StepResult {
        guard case .dump(let dump)? = state.backup else {
            throw StepFailure(.error, "the way back in place restores the pre-upgrade dump, and this drill restored none")
        }
        guard dump.inspection.format != .plain else {
            throw StepFailure(.error, "a plain SQL dump cannot be restored with pg_restore --clean: the way back in place needs a custom, directory or tar archive "
                              + "(pg_dump -Fc), or rollback: fresh")
        }
        let ready = try await drill.target.restoreTools(for: dump, &record)
        let command = ready.tools.command("pg_restore", Self.restoreArguments + ["--dbname", drill.scenario.environment.database.name, ready.tools.dumpPath])
        let output: CommandOutput
        do {
            output = try await CommandRunner.run(command, captureLimit: 4 << 20)
        } catch {
            throw StepFailure(.error, "pg_restore could not start: \(error)")
        }
        let all = RestoreOutputClassifier.errorMessages(in: drill.secrets.redact(output.standardError))
        // --clean drops each partition's primary key before its parent's, and PostgreSQL refuses
        // that for every partition, on any partitioned schema, upgraded or not; the parent's
        // drop then takes them along. Counted apart, never as the rollback's failure: the
        // comparison that follows judges the result.
        let noise = all.filter { $0.contains("cannot drop inherited constraint") }
        let errors = all.filter { !$0.contains("cannot drop inherited constraint") }
        var evidence = ["restore command: \(command.displayLine)", "result: \(output.statusDescription)"]
        let noiseNote = noise.isEmpty ? "" : "\(CheckWording.count(Int64(noise.count), "`cannot drop inherited constraint` error")) on partitions aside, harmless: each key goes with its parent's"
        if !noise.isEmpty { evidence.append(noiseNote) }
        // The noise excuses a failed exit only when it is all pg_restore counted: a signal, or an
        // error the classifier did not read, still fails.
        let excused = !noise.isEmpty && output.exitCode == 1 && Restorer.ignoredErrorCount(output.standardError) == noise.count
        guard errors.isEmpty, output.succeeded || excused else {
            let count = max(errors.count, (Restorer.ignoredErrorCount(output.standardError) ?? 0) - noise.count, 1)
            let quoted = errors.prefix(10).joined(separator: "\n") + (errors.count > 10 ? "\n… and \(errors.count - 10) more" : "")
            findings.append(RestoreFindings.rollbackRestoreErrors(count: count, detail: quoted.isEmpty ? output.errorTail() : quoted))
            evidence.append("errors: \(count)")
            throw StepFailure(.fail, "pg_restore --clean reported \(CheckWording.count(Int64(count), "error")) over the upgraded schema"
                              + (noise.isEmpty ? "" : ", \(noiseNote)") + "; " + Self.cause(errors, output), evidence: evidence)
        }
        return StepResult("the pre-upgrade dump restored over the upgraded schema" + (noise.isEmpty ? " without an error" : ", \(noiseNote)"), evidence)
    }

    /// What stopped the restore, in the operator's words: the drops the new version's objects
    /// blocked, which are why the old rows then load beside the new ones; else the first error.
    private static func cause(_ errors: [String], _ output: CommandOutput) -> String {
        let blocked = errors.compactMap { error -> String? in
            guard let range = error.range(of: #"cannot drop [^\n]*? because other objects depend on it"#, options: .regularExpression) else { return nil }
            return String(error[range]).replacingOccurrences(of: "cannot drop ", with: "").replacingOccurrences(of: " because other objects depend on it", with: "")
        }
        guard !blocked.isEmpty else { return "the first: " + (errors.first ?? output.errorTail(lines: 1)) }
        return "it could not drop " + blocked.prefix(5).joined(separator: ", ") + (blocked.count > 5 ? " and \(blocked.count - 5) more" : "")
            + ": objects the new version added depend on them, so the dump's rows load beside the upgraded ones"
    }

    /// Equal to the baseline, or every difference named: what was left behind first.
    private func compareWithBaseline(_ drill: DrillContext, _ state: DrillState,
                                     findings: inout [Finding], leftovers: inout [String]) async throws -> StepResult {
        guard let before = state.upgradeBefore else {
            throw StepFailure(.error, "no baseline to compare with: the current version never ran on the restored copy")
        }
        let now = try await UpgradeFiguresReader.read("the rolled-back database", in: drill, migrations: spec.migrations)
        var problems = UpgradeComparison.differences(from: before.figures, to: now.figures, tables: Array(before.figures.rowCounts.keys))
        var evidence: [String] = []
        guard let reference = before.figures.schema, let result = now.figures.schema else {
            // Never a pass on row counts alone: what --clean leaves is in the schema.
            throw StepFailure(.error, "no schema fingerprint of \(before.figures.schema == nil ? "the baseline" : "the result"): what the way back left behind cannot be judged")
        }
        let difference = SchemaDifference(reference: reference, restored: result)
        // What the drill itself made on the upgraded copy (amcheck for the integrity check)
        // is not the new version's: only what the upgrade added counts as left behind.
        let upgraded = Set((state.upgradeAfter?.figures.schema?.objects ?? result.objects).map(\.key))
        let byDrill = difference.added.filter { !upgraded.contains($0.object.key) }
        leftovers = difference.added.filter { upgraded.contains($0.object.key) }.map { added in
            added.object.described + (added.dependents > 0 ? " (with \(CheckWording.count(Int64(added.dependents), "dependent object")))" : "")
        }
        if !byDrill.isEmpty { evidence.append("made by the drill's own checks, not counted: " + byDrill.map(\.object.described).joined(separator: ", ")) }
        problems += difference.missing.map { "missing \($0.object.described)" } + difference.changed.map { "changed \($0.reference.described)" }
        // Functions, types and schemas: the fingerprint does not hold them, --clean leaves them all the same.
        if let referenceOthers = before.otherObjects, let resultOthers = now.otherObjects {
            let upgraded = Set(state.upgradeAfter?.otherObjects ?? resultOthers)
            let kept = Set(referenceOthers)
            leftovers += resultOthers.filter { !kept.contains($0) && upgraded.contains($0) }
            problems += referenceOthers.filter { !resultOthers.contains($0) }.map { "missing \($0)" }
        }
        if !leftovers.isEmpty { findings.append(RestoreFindings.rollbackLeftovers(leftovers)) }
        guard leftovers.isEmpty, problems.isEmpty else {
            let left = leftovers.isEmpty ? [] : ["left behind: " + leftovers.prefix(5).joined(separator: ", ")
                                                 + (leftovers.count > 5 ? " and \(leftovers.count - 5) more" : "")]
            throw StepFailure(.fail, "the result is not the pre-upgrade backup: " + (left + problems.prefix(5)).joined(separator: "; "), evidence: evidence)
        }
        let tables = before.figures.rowCounts.count
        return StepResult("the result equals the baseline: \(CheckWording.count(Int64(tables), "table")), their rows, totals and schema; nothing left behind", evidence)
    }
}
