import Foundation
@testable import DrillKit
import Testing

/// Reading a recovering server's log, with lines as PostgreSQL 15 writes them.
@Suite struct RecoveryLogTests {
    static let replayed = """
        2026-11-21 23:15:03.100 UTC [100] LOG:  starting point-in-time recovery to 2026-11-21 23:15:02.5+00
        2026-11-21 23:15:03.120 UTC [100] LOG:  restored log file "000000010000000000000002" from archive
        2026-11-21 23:15:03.200 UTC [100] LOG:  restored log file "000000010000000000000003" from archive
        2026-11-21 23:15:03.300 UTC [100] LOG:  restored log file "000000010000000000000003" from archive
        2026-11-21 23:15:03.400 UTC [100] LOG:  recovery stopping before commit of transaction 735, time 2026-11-21 23:15:02.9+00
        """

    /// An archive folder holding these segment names (empty files: only names count here).
    static func setup(_ names: [String], target: RecoveryTarget) throws -> RecoverySetup {
        let folder = NSTemporaryDirectory() + "recovery-log-" + RandomToken.hex(bytes: 4)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in names { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: nil) }
        return RecoverySetup(base: BaseBackup(path: "base.tar", layout: .tarFiles(base: "base.tar", wal: nil), startWALFile: names[0]),
                             archive: try WALArchive(path: folder), target: target)
    }

    static func segment(_ number: Int) -> String { String(format: "00000001%08X%08X", 0, number) }

    @Test func countsEachRestoredSegmentOnceAndKeepsTheStopLine() {
        let outcome = RecoveryLog.outcome(in: Self.replayed)
        #expect(outcome.segmentsReplayed == 2)
        #expect(outcome.lastRestoredSegment == "000000010000000000000003")
        #expect(outcome.stopLine == "recovery stopping before commit of transaction 735, time 2026-11-21 23:15:02.9+00")
    }

    @Test func theEndOfTheArchiveIsAnUnreachedTargetAndAHoleIsNamedInstead() throws {
        let ended = Self.replayed.replacingOccurrences(of: "recovery stopping", with: "x")
            + "\n2026-11-21 23:15:04.000 UTC [100] FATAL:  recovery ended before configured recovery target was reached"
        let complete = try Self.setup((2...3).map(Self.segment), target: .time(Date()))
        guard case .targetUnreached(let last, let detail) = RecoveryLog.failure(in: ended, setup: complete) else {
            Issue.record("expected an unreached target")
            return
        }
        #expect(last == Self.segment(3))
        #expect(detail.contains("recovery ended before configured recovery target was reached"))

        let holed = try Self.setup([2, 3, 5, 6].map(Self.segment), target: .time(Date()))
        guard case .segmentMissing(let segment, let later, _) = RecoveryLog.failure(in: ended, setup: holed) else {
            Issue.record("expected the hole to be named")
            return
        }
        #expect(segment == Self.segment(4))
        #expect(later == 2)
    }

    @Test func latestPromotingAtAHoleIsCaughtAndAtTheEndIsNot() throws {
        let outcome = RecoveryLog.outcome(in: Self.replayed)
        #expect(RecoveryLog.holeAfterPromotion(outcome, setup: try Self.setup((2...3).map(Self.segment), target: .latest)) == nil)
        let hole = RecoveryLog.holeAfterPromotion(outcome, setup: try Self.setup([2, 3, 5].map(Self.segment), target: .latest))
        guard case .segmentMissing(let segment, 1, _)? = hole else {
            Issue.record("expected the hole after the last restored segment: \(String(describing: hole))")
            return
        }
        #expect(segment == Self.segment(4))
        // A time target stops where it should: a later hole is none of its business.
        #expect(RecoveryLog.holeAfterPromotion(outcome, setup: try Self.setup([2, 3, 5].map(Self.segment), target: .time(Date()))) == nil)
    }

    @Test func aTimeTargetCountsAsReachedOnlyWhenTheServerSaysItStoppedThere() throws {
        let setup = try Self.setup((2...3).map(Self.segment), target: .time(Date()))
        let reached = try RecoveryLog.promoted(log: Self.replayed, lastReplayEpoch: " 1795308511.5\n", replaySeconds: 2, setup: setup)
        #expect(reached.stopLine != nil)
        #expect(reached.lastTransaction == Date(timeIntervalSince1970: 1795308511.5))
        #expect(reached.replaySeconds == 2)

        // Promoted at the end of the archive without a word about the target (PostgreSQL 12, or a
        // log the drill could not read): not a recovery to the target.
        let silent = Self.replayed.replacingOccurrences(of: "recovery stopping", with: "x")
        #expect(throws: RecoveryFailure.self) {
            try RecoveryLog.promoted(log: silent, lastReplayEpoch: nil, replaySeconds: 2, setup: setup)
        }
        // `latest` has no target to stop at: the end of the archive is where it should stop.
        let latest = try Self.setup((2...3).map(Self.segment), target: .latest)
        #expect(try RecoveryLog.promoted(log: silent, lastReplayEpoch: nil, replaySeconds: 2, setup: latest).stopLine == nil)
    }

    @Test func onlyAMissingRoleOrDatabaseEndsTheWaitForRecovery() {
        #expect(RecoveryLog.isPermanentRefusal("FATAL:  role \"shop\" does not exist"))
        #expect(!RecoveryLog.isPermanentRefusal("FATAL:  the database system is starting up"))
        #expect(!RecoveryLog.isPermanentRefusal("connection to server on socket \"/tmp/x/.s.PGSQL.5432\" failed: No such file or directory"))
    }

    @Test func theNextSegmentCrossesIntoTheNextLog() {
        #expect(WALArchive.next(after: "0000000100000000000000FF") == "000000010000000100000000")
        #expect(WALArchive.next(after: "000000010000000000000002") == "000000010000000000000003")
    }
}
