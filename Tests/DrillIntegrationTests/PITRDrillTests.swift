import Foundation
@testable import DrillKit
import Testing

/// Point-in-time recovery drills end to end on a real archive: a target between the writes
/// passes with its two-sided proof and a measured RPO; each failure is proven on a broken
/// archive or target and shown not to fire on the healthy one.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct PITRDrillTests {
    static func scenario(_ source: PITRSource, archive: String? = nil, target: RecoveryTarget, checks: [CheckKind]? = nil,
                         reports: String, kind: EnvironmentKind = .local) -> Scenario {
        var scenario = Scenario.testScenario(dump: "unused", checks: checks ?? [
            .sql(SQLCheckSpec(name: "the middle row is there", query: "SELECT count(*) FROM events WHERE label = 'middle'",
                              expect: Comparison(op: .equal, operand: "1"), asserts: .presentBeforeTarget)),
            .sql(SQLCheckSpec(name: "the after row is not", query: "SELECT count(*) FROM events WHERE label = 'after'",
                              expect: Comparison(op: .equal, operand: "0"), asserts: .absentAfterTarget)),
        ], reportDirectory: reports, objectives: Objectives(tier: .strict, rpoSeconds: nil, rtoSeconds: nil))
        scenario.name = "pitr-drill"
        scenario.environment = kind == .local
            ? EnvironmentSpec(kind: .local, database: DatabaseSpec(name: "drill", user: "drill"))
            : EnvironmentSpec(kind: .compose, compose: ComposeSpec(file: ComposeEngine.composeFile, databaseService: "postgres"),
                              database: DatabaseSpec(name: "drill", user: "drill"))
        scenario.backup = BackupSpec(source: .pitr(PITRSpec(base: source.base, walArchive: archive ?? source.archive, target: target)))
        return scenario
    }

    @Test func aTargetBetweenTheWritesPassesAndEachBrokenArchiveOrTargetIsNamed() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let source = try await PITRSource.make(in: scratch)
        let middle = source.rows[1].committed
        let target = middle.addingTimeInterval(0.5)

        let healthy = await DrillRunner(scenario: Self.scenario(source, target: .time(target), reports: scratch.path)).run()
        #expect(healthy.exitCode == 0, "\(healthy.outline)")
        let restore = try #require(healthy.step("restore"))
        #expect(restore.title == "Recover to the target")
        #expect(restore.evidence.contains { $0.hasPrefix("WAL segments replayed: ") })
        #expect(restore.evidence.contains { $0.contains("recovery stopping before commit") }, "\(restore.evidence)")
        let rpo = try #require(healthy.rpo?.measuredSeconds)
        // From the last commit replayed, "middle" or one after it (autovacuum's), to the target.
        #expect(rpo >= 0 && rpo < target.timeIntervalSince(middle) + 0.05, "RPO \(rpo)")
        #expect(healthy.rpo?.basis.contains("base backup taken") == true)
        #expect(healthy.backup?.format?.hasPrefix("base backup (pg_basebackup -Ft") == true)
        #expect(healthy.teardown?.leftovers == [])

        // The same proof fails when recovery went past the target (latest replays the after row).
        let past = await DrillRunner(scenario: Self.scenario(source, target: .latest, reports: scratch.path)).run()
        #expect(past.checks.map(\.verdict) == [.pass, .fail], "\(past.outline)")
        #expect(past.exitCode == 1)

        // Without the two-sided proof the drill is an error, never a pass.
        let unasserted = await DrillRunner(scenario: Self.scenario(source, target: .time(target), checks: [
            .sql(SQLCheckSpec(name: "events exist", query: "SELECT count(*) FROM events", expect: Comparison(op: .greater, operand: "0"))),
        ], reports: scratch.path)).run()
        #expect(unasserted.checks.map(\.verdict) == [.pass])
        #expect(unasserted.step("pitr_assertions")?.message?.contains(RecoveryAssertionsAudit.unassertedRecovery) == true, "\(unasserted.outline)")
        #expect(unasserted.exitCode == 2)

        let unreachable = await DrillRunner(scenario: Self.scenario(source, target: .time(Date().addingTimeInterval(3600)),
                                                                    reports: scratch.path)).run()
        let unreached = try #require(unreachable.step("restore"))
        #expect(unreached.findings.map(\.code) == ["pitr-target-unreached"], "\(unreachable.outline)")
        #expect(unreached.findings.first?.explanation.contains("The archive ends at \(try WALArchive(path: source.archive).segments.last ?? "?")") == true)
        #expect(unreachable.exitCode == 1)
        #expect(unreachable.teardown?.leftovers == [])

        let early = await DrillRunner(scenario: Self.scenario(source, target: .time(source.baseStarted.addingTimeInterval(-3600)),
                                                              reports: scratch.path)).run()
        #expect(early.step("prepare")?.message?.contains("is before the base backup started") == true, "\(early.outline)")
        #expect(early.exitCode == 2)

        let (holed, removed) = try await source.archiveWithHole(in: scratch)
        let gap = await DrillRunner(scenario: Self.scenario(source, archive: holed, target: .time(target), reports: scratch.path)).run()
        let missing = try #require(gap.step("restore")?.findings.first)
        #expect(missing.code == "wal-segment-missing", "\(gap.outline)")
        #expect(missing.title.contains(removed))
        #expect(gap.exitCode == 1)
        #expect(gap.teardown?.leftovers == [])
    }

    /// The same archive and targets through the compose target: recovered in the database
    /// container with its own PostgreSQL, the same verdicts and findings.
    @Test(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"))
    func theSameRecoveryThroughComposeGetsTheSameVerdicts() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let source = try await PITRSource.make(in: scratch)
        let middle = source.rows[1].committed
        let target = middle.addingTimeInterval(0.5)

        let healthy = await DrillRunner(scenario: Self.scenario(source, target: .time(target), reports: scratch.path, kind: .compose)).run()
        #expect(healthy.exitCode == 0, "\(healthy.outline)")
        #expect(healthy.step("restore")?.evidence.contains { $0.contains("recovery stopping before commit") } == true)
        let rpo = try #require(healthy.rpo?.measuredSeconds)
        // From the last commit replayed, "middle" or one after it (autovacuum's), to the target.
        #expect(rpo >= 0 && rpo < target.timeIntervalSince(middle) + 0.05, "RPO \(rpo)")
        #expect(healthy.teardown?.leftovers == [])
        #expect(await ComposeProject.labelled(ComposeTarget.runLabel + "=" + healthy.runId).isEmpty)

        let past = await DrillRunner(scenario: Self.scenario(source, target: .latest, reports: scratch.path, kind: .compose)).run()
        #expect(past.checks.map(\.verdict) == [.pass, .fail], "\(past.outline)")

        let unreachable = await DrillRunner(scenario: Self.scenario(source, target: .time(Date().addingTimeInterval(3600)),
                                                                    reports: scratch.path, kind: .compose)).run()
        #expect(unreachable.step("restore")?.findings.map(\.code) == ["pitr-target-unreached"], "\(unreachable.outline)")
        #expect(unreachable.exitCode == 1)

        let (holed, removed) = try await source.archiveWithHole(in: scratch)
        let gap = await DrillRunner(scenario: Self.scenario(source, archive: holed, target: .time(target), reports: scratch.path, kind: .compose)).run()
        #expect(gap.step("restore")?.findings.map(\.code) == ["wal-segment-missing"], "\(gap.outline)")
        #expect(gap.step("restore")?.findings.first?.title.contains(removed) == true)
        #expect(gap.teardown?.leftovers == [])
    }

    /// A base backup folder or archive that is not there is named before any server starts;
    /// the healthy side is the healthy run above.
    @Test func aMissingBaseBackupOrArchiveIsNamed() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let base = scratch.file("base")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: base + "/PG_VERSION", contents: Data("15\n".utf8))
        _ = FileManager.default.createFile(atPath: base + "/backup_label", contents: Data("""
            START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
            START TIME: 2026-11-21 22:10:03 UTC

            """.utf8))
        let empty = scratch.file("empty-archive")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let cases: [(source: PITRSource, code: String, says: String)] = [
            (PITRSource(base: scratch.file("no-base"), archive: empty, rows: [], baseStarted: Date()), "base-backup-missing", "does not exist"),
            (PITRSource(base: base, archive: scratch.file("no-archive"), rows: [], baseStarted: Date()), "wal-archive-missing", "cannot read"),
            (PITRSource(base: base, archive: empty, rows: [], baseStarted: Date()), "wal-archive-missing", "holds no WAL segment"),
        ]
        for (source, code, says) in cases {
            let record = await DrillRunner(scenario: Self.scenario(source, target: .latest, reports: scratch.path)).run()
            let prepare = try #require(record.step("prepare"))
            #expect(prepare.findings.map(\.code) == [code], "\(record.outline)")
            #expect(prepare.findings.first?.detail?.contains(says) == true, "\(prepare.findings)")
            #expect(record.exitCode == 1)
            #expect(record.step("restore")?.verdict == .skipped)
        }
    }

    /// A manifest of what production held at the target is compared with the recovered data,
    /// as in a dump drill: it passes when it matches and fails when it does not.
    @Test func aManifestIsComparedWithWhatRecoveryReached() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let source = try await PITRSource.make(in: scratch)
        let target = source.rows[1].committed.addingTimeInterval(0.5)
        var verdicts: [Verdict] = []
        for reported in [2, 3] as [Int64] {
            let manifest = Manifest(takenAt: target, database: "drill", serverVersion: "15", rowCounts: ["public.events": reported])
            let path = scratch.file("manifest-\(reported).json")
            try JSONEncoder.drill.encode(manifest).write(to: URL(fileURLWithPath: path))
            var scenario = Self.scenario(source, target: .time(target), checks: [
                .rowCounts(RowCountsCheckSpec(tables: ["events"])),
            ], reports: scratch.path)
            scenario.backup.manifest = path
            let record = await DrillRunner(scenario: scenario).run()
            #expect(record.backup?.manifestPath == path)
            verdicts += record.checks.map(\.verdict)
        }
        // Before and middle were committed by the target; the manifest saying 3 is wrong.
        #expect(verdicts == [.pass, .fail])
    }
}
