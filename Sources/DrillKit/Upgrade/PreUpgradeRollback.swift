import Foundation

/// StoreIT's way back (its upgrade guide, "Rolling Back"): the store's file as it was before
/// the upgrade, which the app keeps as `<db>.pre-upgrade`, back where the store looks, and the
/// current version booted on it. When the upgrade failed, the app should already have put it
/// back itself (its automatic rollback); when it did not, or the upgrade went through, the
/// drill takes the guide's steps (`rm storeit.db; mv storeit.db.pre-upgrade storeit.db`). Either
/// way the file must be byte-identical to the one the new version started from.
struct PreUpgradeRollback: ForwardTargetRollback {
    let spec: UpgradeSpec
    let app: AppSpec

    static let title = "Rehearse the way back: the .pre-upgrade copy in place of the store's file, the current version on it"
    static let way = UpgradeSpec.RollbackWay.preUpgrade
    static let wayBack = "the way back"

    func rehearse(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async -> RollbackParts {
        var parts = RollbackParts()
        let expected = record.upgrade?.preUpgradeSHA256
        let restore = await TimedStep.run("rollback_restore", "Put the pre-upgrade file back where the store looks", drill.secrets) {
            try putBack(drill, expected: expected, findings: &parts.findings)
        }
        parts.steps.append(restore)
        guard restore.verdict == .pass else {
            parts.steps.append(StepRecord(id: "rollback_compare", title: Self.compareTitle, verdict: .skipped,
                                          message: "skipped: the pre-upgrade file is not back, so there is nothing to boot the current version on"))
            return parts
        }
        parts.steps += await bootCurrentVersion(title: "Boot the current version on the pre-upgrade file", drill, &state, &record)
        let current = state
        parts.steps.append(await TimedStep.run("rollback_compare", Self.compareTitle, drill.secrets) {
            try await compareWithBaseline(drill, current)
        })
        return parts
    }

    func passed(_ parts: RollbackParts, rto: Double) -> String {
        (parts.steps.first?.message ?? "the pre-upgrade file is back") + "; the current version\(currentVersionText) is up on it in \(DurationText.format(rto)) (its RTO)"
    }

    /// The app's own rollback, proven; or the guide's, taken; or why there is no way back.
    private func putBack(_ drill: DrillContext, expected: String?, findings: inout [Finding]) throws -> StepResult {
        guard let file = drill.target.restoredFile else { throw StepFailure(.error, "no restored store to roll back") }
        guard let expected else {
            throw StepFailure(.error, "the store's file was never fingerprinted before the upgrade (the migrate step did not start), "
                              + "so no way back can be proven byte for byte")
        }
        let name = (file as NSString).lastPathComponent
        let copy = file + PreUpgradeFile.suffix
        let current = PreUpgradeFile.hash(file)
        let kept = PreUpgradeFile.hash(copy)
        let short = String(expected.prefix(16))
        if current == expected {
            // The bytes alone are not the store: a -wal or journal beside them is applied as it opens.
            if let pending = PreUpgradeFile.pendingSidecar(of: file) {
                throw StepFailure(.fail, "\(name) is byte-identical to the pre-upgrade file, but \((pending as NSString).lastPathComponent) "
                                  + "beside it (\(SizeText.format(BackupFacts.size(of: pending)))) would change it as SQLite opens it")
            }
            var evidence = ["\(name): sha256 \(expected), the pre-upgrade file's"]
            if let kept { evidence.append("\(name)\(PreUpgradeFile.suffix) is there too (sha256 \(kept.prefix(16))…)") }
            return StepResult("\(name) is byte-identical to the pre-upgrade file (sha256 \(short)…): the app put it back itself", evidence)
        }
        guard let kept else {
            findings.append(RestoreFindings.preUpgradeLost("\(name) is sha256 \(current.map { String($0.prefix(16)) + "…" } ?? "missing"), "
                                                           + "not the pre-upgrade file's \(short)…, and there is no \(name)\(PreUpgradeFile.suffix)"))
            throw StepFailure(.fail, "the upgrade left no way back: \(name) is not the pre-upgrade file and no \(name)\(PreUpgradeFile.suffix) was kept")
        }
        guard kept == expected else {
            findings.append(RestoreFindings.preUpgradeLost("\(name)\(PreUpgradeFile.suffix) is sha256 \(kept.prefix(16))…, the file the upgrade started from \(short)…"))
            throw StepFailure(.fail, "\(name)\(PreUpgradeFile.suffix) is not the file the upgrade started from: putting it back would not give the pre-upgrade store")
        }
        // The guide's own steps: the new database removed, the old one moved in its place.
        for side in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: file + side) }
        guard rename(copy, file) == 0 else {
            throw StepFailure(.error, "could not move \(name)\(PreUpgradeFile.suffix) back: \(String(cString: strerror(errno)))")
        }
        guard PreUpgradeFile.hash(file) == expected else {
            throw StepFailure(.fail, "\(name) moved back is not byte-identical to the pre-upgrade file")
        }
        return StepResult("the guide's way back: \(name) removed and \(name)\(PreUpgradeFile.suffix) moved in its place, "
                          + "byte-identical to the pre-upgrade file (sha256 \(short)…)",
                          ["the app had left \(name) at sha256 \(current.map { String($0.prefix(16)) + "…" } ?? "nothing")"])
    }

    private func compareWithBaseline(_ drill: DrillContext, _ state: DrillState) async throws -> StepResult {
        guard let before = state.upgradeBefore else {
            throw StepFailure(.error, "no baseline to compare with: the current version never ran on the restored copy")
        }
        let now = try await UpgradeFiguresReader.read("the rolled-back store", in: drill, migrations: spec.migrations)
        let problems = UpgradeComparison.differences(from: before.figures, to: now.figures, tables: Array(before.figures.rowCounts.keys))
        guard problems.isEmpty else {
            throw StepFailure(.fail, "the result is not the pre-upgrade store: " + problems.prefix(5).joined(separator: "; "))
        }
        return StepResult("the result equals the baseline: \(CheckWording.count(Int64(before.figures.rowCounts.count), "table")), their rows and totals")
    }
}
