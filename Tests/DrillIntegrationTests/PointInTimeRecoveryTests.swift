import Foundation
@testable import DrillKit
import Testing

/// Point-in-time recovery on a real archive: targets before, between and after the writes,
/// one the archive never reaches, and a hole in the archive. (PostgreSQL itself does not refuse
/// a target before the base backup: the drill does, before recovering; see the drill tests.)
@Suite(.serialized, .timeLimit(.minutes(10)))
struct PointInTimeRecoveryTests {
    static func recover(_ source: PITRSource, archive: String? = nil, to target: RecoveryTarget) async throws
        -> (outcome: Result<RecoveryOutcome, RecoveryFailure>, labels: [String]) {
        let setup = RecoverySetup(base: try await BaseBackup.locate(source.base), archive: try WALArchive(path: archive ?? source.archive),
                                  target: target)
        let cluster = try await LocalCluster.createForRecovery(
            .init(runId: "pitr-" + RandomToken.hex(bytes: 4), scenario: "pitr-tests", superuser: "drill",
                  binaries: try PostgresBinaries.locate(configured: nil)), setup: setup)
        return try await withCleanup({ _ = await cluster.tearDown() }) {
            do {
                let outcome = try await cluster.recover(setup)
                let connection = try await PostgresConnection.connect(cluster.connectionParameters(database: "drill"))
                defer { connection.close() }
                let labels = try await connection.query("SELECT label FROM events ORDER BY id").rows.compactMap { $0.first ?? nil }
                // Promoted: it takes writes.
                _ = try await connection.query("INSERT INTO events (label) VALUES ('drill')")
                return (.success(outcome), labels)
            } catch let failure as RecoveryFailure {
                return (.failure(failure), [])
            }
        }
    }

    @Test func recoveryStopsAtTheTargetAndAnArchiveThatEndsOrHasAHoleIsNamed() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let source = try await PITRSource.make(in: scratch)
        let before = source.rows[0].committed, middle = source.rows[1].committed, after = source.rows[2].committed

        let between = try await Self.recover(source, to: .time(middle.addingTimeInterval(-0.5)))
        #expect(between.labels == ["before"], "\(between.outcome)")
        if case .success(let outcome) = between.outcome {
            #expect(outcome.segmentsReplayed >= 2)
            #expect(outcome.stopLine?.contains("recovery stopping before commit") == true, "\(outcome.stopLine ?? "")")
            // The last commit replayed is "before" or one after it (autovacuum commits too, on a
            // loaded machine seconds later), never past the target.
            let last = outcome.lastTransaction ?? .distantPast
            #expect(last.timeIntervalSince(before) > -0.01 && last < middle.addingTimeInterval(-0.5),
                    "\(String(describing: outcome.lastTransaction)), before \(before), target \(middle.addingTimeInterval(-0.5))")
        }

        let early = try await Self.recover(source, to: .time(before.addingTimeInterval(-0.5)))
        #expect(early.labels == [], "\(early.outcome)")

        let latest = try await Self.recover(source, to: .latest)
        #expect(latest.labels == ["before", "middle", "after", "tail"], "\(latest.outcome)")

        let late = try await Self.recover(source, to: .time(after.addingTimeInterval(0.5)))
        #expect(late.labels == ["before", "middle", "after"], "\(late.outcome)")

        let unreachable = try await Self.recover(source, to: .time(source.rows[3].committed.addingTimeInterval(3600)))
        guard case .failure(.targetUnreached(let last, let detail)) = unreachable.outcome else {
            Issue.record("expected the target to be unreached: \(unreachable.outcome)")
            return
        }
        #expect(last == (try WALArchive(path: source.archive)).segments.last)
        #expect(detail.contains("recovery ended before configured recovery target was reached"), "\(detail)")

        // A hole in the middle: copy the archive without one segment after the backup's start.
        let (holed, removed) = try await source.archiveWithHole(in: scratch)
        for target in [RecoveryTarget.time(after.addingTimeInterval(0.5)), .latest] {
            let gap = try await Self.recover(source, archive: holed, to: target)
            guard case .failure(.segmentMissing(let segment, let later, _)) = gap.outcome else {
                Issue.record("expected the missing segment \(removed) to be named (\(target)): \(gap.outcome)")
                continue
            }
            #expect(segment == removed)
            #expect(later >= 1)
        }
    }
}
