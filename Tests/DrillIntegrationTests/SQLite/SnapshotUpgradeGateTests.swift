import Foundation
import Testing
@testable import DrillKit

/// StoreIT's snapshot upgrade through the gate, both ways: a healthy upgrade passes and its
/// way back is the guide's; an import that fails, or a new version whose health fails, is
/// rolled back by the app itself, which the drill proves byte for byte before booting the
/// current version again; and an upgrade that loses its way back is named.
@Suite(.serialized, .timeLimit(.minutes(10))) struct SnapshotUpgradeGateTests {
    private let migrate = #"["../.build/debug/snapstore", "upgrade", "--release", "2.0.0", "--db", "{{database_file}}"]"#

    /// The shipped gate with its migrate command (or more) replaced, on a fresh backup.
    private func gate(replacing old: String? = nil, with new: String? = nil, also more: [(String, String)] = []) async throws -> (DrillRecord, ShippedScenario) {
        let shipped = try ShippedScenario("storeit-upgrade-local.yml")
        var text = try String(contentsOfFile: shipped.file, encoding: .utf8)
        for (old, new) in (old.map { [($0, new ?? "")] } ?? []) + more {
            #expect(text.contains(old), "\(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(toFile: shipped.file, atomically: true, encoding: .utf8)
        try await shipped.takeSQLiteBackup()
        return (try await shipped.drill(), shipped)
    }

    private func wayBack(_ record: DrillRecord) -> StepRecord? { record.steps.first { $0.id == .rollback } }

    @Test func aHealthyUpgradePassesAndTheGuidesWayBackGivesThePreUpgradeFileBack() async throws {
        let (record, shipped) = try await gate()
        defer { shipped.remove() }
        #expect(record.verdict == .pass, "\(record.outline)\n\(record.summary)")
        let back = try #require(wayBack(record))
        #expect(back.message?.hasPrefix("the guide's way back: storeit.db removed and storeit.db.pre-upgrade moved in its place, byte-identical") == true,
                "\(back.message ?? "")")
        let backup = try FileDigest.sha256(path: shipped.scratch.file(".demo/storeit.db")).0
        #expect(record.upgrade?.preUpgradeSHA256 == backup, "a backup taken by --backup-to is already settled: the same bytes")
        #expect(record.upgrade?.rollback?.way == "pre_upgrade")
        #expect(record.checks.first { $0.kind == "http" }?.verdict == .pass)
        #expect(record.teardown?.leftovers == [])
    }

    @Test(arguments: ["import", "health"])
    func aFailedUpgradeIsRolledBackByTheAppAndTheDrillProvesIt(fault: String) async throws {
        let (record, shipped) = try await gate(replacing: migrate, with: migrate.replacingOccurrences(of: #""2.0.0","#, with: #""2.0.0", "--fault", "\#(fault)","#))
        defer { shipped.remove() }
        let step = try #require(record.step(.migrate))
        #expect(step.verdict == .fail, "\(record.outline)")
        #expect(step.message?.contains(fault == "import" ? "import failed" : "health check failed") == true, "\(step.message ?? "")")
        #expect(record.verdict == .fail && record.exitCode == 1)
        // The gate names the upgrade, not the way back, as the cause.
        #expect(record.summary.contains("migrate"), "\(record.summary)")
        let back = try #require(wayBack(record))
        #expect(back.verdict == .pass, "\(record.upgrade?.rollback?.steps.map { "\($0.id): \($0.message ?? "")" } ?? [])")
        #expect(back.message?.contains("is byte-identical to the pre-upgrade file") == true && back.message?.contains("the app put it back itself") == true,
                "\(back.message ?? "")")
        #expect(back.message?.contains("the current version 1.0.0 is up on it") == true)
        #expect(record.teardown?.leftovers == [])
    }

    /// StoreIT's container migrates as it starts and rolls back only a failed import: a new
    /// version whose health fails there leaves the upgraded file, and the guide's steps put the old one back.
    @Test func aNewVersionThatMigratesAtStartAndFailsItsHealthLeavesTheWayBackToTheGuide() async throws {
        let migrateLine = "    migrate:\n      command: \(migrate)\n"
        let (record, shipped) = try await gate(
            replacing: "    # storeit-ctl upgrade's part on the store: the snapshot upgrade, then the new version's\n    # health; a failure puts storeit.db.pre-upgrade back and exits non-zero.\n" + migrateLine
                + "    start:\n      command: [\"../.build/debug/snapstore\", \"serve\", \"--release\", \"2.0.0\",",
            with: "    start:\n      command: [\"../.build/debug/snapstore\", \"serve\", \"--auto-upgrade\", \"--fault\", \"health\", \"--release\", \"2.0.0\",",
            // The new version never turns healthy: no need to wait the shipped 30 s for it.
            also: [("json: { ok: true, schema: 2 } }\n        timeout: 30s", "json: { ok: true, schema: 2 } }\n        timeout: 3s")])
        defer { shipped.remove() }
        let boot = try #require(record.step(.upgradedApp))
        #expect(boot.verdict != .pass, "\(record.outline)")
        let back = try #require(wayBack(record))
        #expect(back.verdict == .pass, "\(record.upgrade?.rollback?.steps.map { "\($0.id): \($0.message ?? "")" } ?? [])")
        #expect(back.message?.hasPrefix("the guide's way back") == true, "\(back.message ?? "")")
    }

    @Test func anUpgradeThatLosesItsPreUpgradeCopyHasNoWayBack() async throws {
        let shell = #"["/bin/sh", "-c", "../.build/debug/snapstore upgrade --release 2.0.0 --db \"$DATABASE_FILE\" && rm -f \"$DATABASE_FILE.pre-upgrade\""]"#
        let (record, shipped) = try await gate(replacing: migrate, with: shell)
        defer { shipped.remove() }
        #expect(record.step(.migrate)?.verdict == .pass, "\(record.outline)")
        let back = try #require(wayBack(record))
        #expect(back.verdict == .fail)
        #expect(back.findings.map(\.code) == ["pre-upgrade-lost"])
        #expect(back.message?.contains("the upgrade left no way back") == true, "\(back.message ?? "")")
        #expect(record.verdict == .fail)
    }

    @Test func aPreUpgradeCopyThatIsNotTheFileTheUpgradeStartedFromIsRefused() async throws {
        let shell = #"["/bin/sh", "-c", "../.build/debug/snapstore upgrade --release 2.0.0 --db \"$DATABASE_FILE\" && sqlite3 \"$DATABASE_FILE.pre-upgrade\" 'DELETE FROM images WHERE id = 5'"]"#
        let (record, shipped) = try await gate(replacing: migrate, with: shell)
        defer { shipped.remove() }
        let back = try #require(wayBack(record))
        #expect(back.verdict == .fail, "\(record.outline)")
        #expect(back.findings.map(\.code) == ["pre-upgrade-lost"])
        #expect(back.message?.contains("storeit.db.pre-upgrade is not the file the upgrade started from") == true, "\(back.message ?? "")")
    }
}
