import Foundation
@testable import DrillKit
import Testing

/// The failures code decides on are typed where they are made: whose fault a finding is,
/// what a recovery outcome means for the step, when a server start is worth another try.
@Suite struct TypedFailureTests {
    @Test func aFindingAboutTheHarnessToolsIsAnErrorAndOneAboutTheBackupAFailure() {
        let tooNew = RestoreFindings.archiveTooNew(archiveFormat: "1.16", pgDumpVersion: "17.2", localVersion: "15.18")
        #expect(tooNew.blame == .harness)
        #expect(StepFailure(finding: tooNew).verdict == .error)
        #expect(StepFailure(finding: RestoreFindings.toolMissing("no initdb")).verdict == .error)
        #expect(StepFailure(finding: RestoreFindings.formatMismatch(declared: .custom, detected: .plain)).verdict == .error)
        let truncated = RestoreFindings.archiveTruncated("pg_restore: error: could not read input file")
        #expect(truncated.blame == .backup)
        #expect(StepFailure(finding: truncated).verdict == .fail)
        #expect(StepFailure(finding: RestoreFindings.dumpMissing("no file")).verdict == .fail)
        #expect(Finding(code: "from-a-newer-version", title: "", explanation: "").blame == .backup)
    }

    @Test func everyFindingTheCatalogueMakesHasATypedCode() {
        let made = [
            RestoreFindings.dumpMissing(""), RestoreFindings.dumpTooSmall(size: 1, minimum: 2),
            RestoreFindings.checksumMismatch(expected: "a", actual: "b", source: "s"), RestoreFindings.archiveUnreadable(""),
            RestoreFindings.archiveTruncated(""), RestoreFindings.restoreErrors(count: 1, detail: ""),
            RestoreFindings.errorsDespiteSuccess(count: 1, detail: ""), RestoreFindings.emptyRestore(),
            RestoreFindings.formatMismatch(declared: .tar, detected: .custom), RestoreFindings.archiveTooNew(archiveFormat: "1.16", pgDumpVersion: nil, localVersion: "15"),
            RestoreFindings.manifestDumpMismatch(manifestHash: "a", dumpHash: "b"), RestoreFindings.toolMissing(""),
            RestoreFindings.baseBackupMissing(""), RestoreFindings.walArchiveMissing(""),
            RestoreFindings.pitrTargetUnreached(target: "t", lastSegment: nil, detail: ""),
            RestoreFindings.walSegmentMissing(segment: "s", laterSegments: 0, detail: ""),
        ]
        #expect(made.allSatisfy { FindingCode(rawValue: $0.code) != nil }, "\(made.map(\.code))")
    }

    @Test func recoveryOutcomesBecomeFindingsOrErrors() {
        let unreached = RecoverStep.stepFailure(.targetUnreached(lastSegment: "000000010000000000000003", detail: "d"), target: "latest")
        #expect(unreached.verdict == .fail)
        #expect(unreached.findings.map(\.code) == ["pitr-target-unreached"])
        let missing = RecoverStep.stepFailure(.segmentMissing(segment: "000000010000000000000002", laterSegments: 3, detail: "d"), target: "t")
        #expect(missing.verdict == .fail)
        #expect(missing.findings.map(\.code) == ["wal-segment-missing"])
        let early = RecoverStep.stepFailure(.targetBeforeConsistency(detail: "d"), target: "2026-01-01T00:00:00Z")
        #expect(early.verdict == .error)
        #expect(early.message.hasPrefix("the target 2026-01-01T00:00:00Z is before the base backup reached consistency"))
        let stopped = RecoverStep.stepFailure(.serverStopped(detail: "FATAL: no pg_hba.conf entry"), target: "t")
        #expect(stopped.verdict == .error)
        #expect(stopped.message == "the recovering server stopped: FATAL: no pg_hba.conf entry")
    }

    @Test func onlyAPortTakenMeanwhileIsWorthAnotherStart() {
        let taken = LocalCluster.StartError.serverDidNotStart("the throwaway PostgreSQL did not start (exit code 1): LOG:  could not bind IPv4 address \"127.0.0.1\": Address already in use")
        #expect(taken.cause == .portInUse)
        let other = LocalCluster.StartError.serverDidNotStart("the throwaway PostgreSQL did not start (exit code 1): FATAL:  data directory has wrong ownership")
        #expect(other.cause == .other)
        #expect(other.description.hasSuffix("wrong ownership"), "the message stays pg_ctl's")
    }
}

/// A client program the drill starts against the throwaway cannot be steered elsewhere by
/// what the harness inherited (a service file, a host address, a password file).
@Suite struct PostgresClientIsolationTests {
    @Test func inheritedConnectionSettingsAreUnsetAndTheThrowawaysWin() {
        let environment = PostgresClientIsolation.isolated(["PGHOST": "/tmp/x/sock", "PGPORT": "5999"])
        for name in ["PGSERVICE", "PGSERVICEFILE", "PGHOSTADDR", "PGPASSFILE", "PGOPTIONS", "PGSSLROOTCERT"] {
            #expect(environment[name] == .some(nil), "\(name)")
        }
        #expect(environment["PGHOST"] == "/tmp/x/sock")
        #expect(environment["PGPORT"] == "5999")
    }
}
