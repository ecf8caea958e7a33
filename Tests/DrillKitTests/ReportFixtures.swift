import Foundation
import Testing
@testable import DrillKit

/// Sample drill records the report tests render: whole-second times so JSON round-trips exactly.
enum ReportFixtures {
    static let started = Date(timeIntervalSince1970: 1_782_267_300) // 2026-06-24T02:15:00Z
    static let scenarioFile = "Scenarios/sovecom-monthly.yml"

    static func backup() -> BackupIdentity {
        var backup = BackupIdentity(path: "/var/backups/sovecom/db-20260624T021500Z.dump")
        backup.format = "custom"
        backup.sizeBytes = 12_582_912
        backup.sha256 = "9f2c1e0b7a4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b"
        backup.sha256Status = "matches sha256_file"
        backup.createdAt = Date(timeIntervalSince1970: 1_782_260_100)
        backup.createdAtSource = "archive header"
        backup.sourceDatabase = "sovecom"
        backup.sourceServerVersion = "16.3"
        backup.pgDumpVersion = "16.3"
        backup.archiveVersion = "1.15-0"
        backup.compression = "gzip"
        backup.tocEntries = 212
        backup.manifestPath = "/var/backups/sovecom/db-20260624T021500Z.manifest.json"
        backup.manifestTakenAt = Date(timeIntervalSince1970: 1_782_260_099)
        return backup
    }

    static func environment() -> EnvironmentFacts {
        var facts = EnvironmentFacts(targetKind: "local", host: "drill-runner-1", operatingSystem: "Ubuntu 24.04",
                                     harnessVersion: "0.1.0")
        facts.serverVersion = "16.3"
        facts.restoreToolVersion = "pg_restore (PostgreSQL) 16.3"
        facts.runAsUser = "drill"
        return facts
    }

    static func passingSteps() -> [StepRecord] {
        [
            StepRecord(id: "prepare", title: "Fetch and verify the backup", verdict: .pass, startedAt: started,
                       durationSeconds: 1.25, message: "sha256 matches", evidence: ["size: 12.0 MiB"]),
            StepRecord(id: "target", title: "Start the throwaway target", verdict: .pass, durationSeconds: 3.5),
            StepRecord(id: "restore", title: "Restore the dump", verdict: .pass, durationSeconds: 42.125,
                       evidence: ["pg_restore jobs: 2", "items restored: 212/212"]),
            StepRecord(id: "boot", title: "Boot the app", verdict: .pass, durationSeconds: 8.0),
        ]
    }

    static func passingChecks() -> [CheckRecord] {
        [
            CheckRecord(id: "checks[0].row_counts", kind: "row_counts", name: "row counts match the manifest",
                        verdict: .pass, durationSeconds: 0.25, message: "3 tables match",
                        observations: [
                            Observation(subject: "public.orders rows", expected: "1200", actual: "1200", ok: true),
                            Observation(subject: "public.customers rows", expected: "50", actual: "50", ok: true),
                        ],
                        queries: ["SELECT count(*) FROM public.orders"], line: 41),
            CheckRecord(id: "checks[1].money", kind: "money", name: "money totals match", verdict: .pass,
                        durationSeconds: 0.5, observations: [
                            Observation(subject: "orders.total_cents EUR", expected: "1234500", actual: "1234500", ok: true),
                        ]),
            CheckRecord(id: "checks[2].invoice_sequence", kind: "invoice_sequence", name: "invoices are gapless",
                        verdict: .pass, durationSeconds: 0.125),
        ]
    }

    static func objectives(rtoMet: Bool = true, rpoMet: Bool = true) -> (ObjectiveRecord, ObjectiveRecord) {
        let rto = ObjectiveRecord(name: "RTO", targetSeconds: 3600, measuredSeconds: rtoMet ? 245 : 5400,
                                  verdict: rtoMet ? .pass : .fail,
                                  basis: "monotonic clock from target creation to the end of the last check")
        let rpo = ObjectiveRecord(name: "RPO", targetSeconds: 3600, measuredSeconds: rpoMet ? 1800 : 93600,
                                  verdict: rpoMet ? .pass : .fail,
                                  basis: "drill start minus the backup's created-at (archive header)")
        return (rto, rpo)
    }

    static func cleanTeardown(trigger: String = "completed") -> TeardownRecord {
        TeardownRecord(verdict: .pass, durationSeconds: 2.0,
                       actions: ["stopped postgres pid 4242", "removed /tmp/restore-drill-abc"],
                       leftovers: [], trigger: trigger)
    }

    /// Everything passed and both objectives were met.
    static func passingDrill() -> DrillRecord {
        var record = DrillRecord(runId: "20260624T021500Z-ab12", scenarioName: "sovecom-monthly", scenarioFile: scenarioFile,
                                 scenarioDescription: "Monthly restore drill of the production backup",
                                 startedAt: started, verdict: .pass, exitCode: 0,
                                 summary: "The backup restored and every check passed within the objectives.",
                                 steps: passingSteps(), checks: passingChecks())
        record.finishedAt = started.addingTimeInterval(300)
        record.tier = "standard"
        (record.rto, record.rpo) = objectives()
        record.backup = backup()
        record.environment = environment()
        record.teardown = cleanTeardown()
        return record
    }

    /// Seven checks: one failed, one errored, one skipped; RTO met, RPO not met.
    static func mixedDrill() -> DrillRecord {
        var record = passingDrill()
        record.runId = "20260624T021500Z-cd34"
        record.verdict = .error
        record.exitCode = 2
        record.summary = "A check could not run, so the drill cannot vouch for this backup."
        record.checks = [
            passingChecks()[0],
            CheckRecord(id: "checks[1].money", kind: "money", name: "money totals match", verdict: .fail,
                        durationSeconds: 0.5, message: "EUR total differs from the manifest",
                        observations: [
                            Observation(subject: "orders.total_cents EUR", expected: "1234500", actual: "1230000", ok: false),
                            Observation(subject: "orders.total_cents USD", expected: "500", actual: "500", ok: true),
                        ],
                        queries: ["SELECT currency, sum(total_cents) FROM orders GROUP BY currency"], line: 44),
            CheckRecord(id: "checks[2].invoice_sequence", kind: "invoice_sequence", name: "invoices are gapless",
                        verdict: .error, durationSeconds: 0.01,
                        message: "relation \"invoices\" does not exist (SQLSTATE 42P01)", line: 50),
            CheckRecord(id: "checks[3].totp_login", kind: "totp_login", name: "2FA login works", verdict: .skipped,
                        message: "the app did not start"),
            CheckRecord(id: "checks[4].sequences", kind: "sequences", name: "sequences ahead of their columns", verdict: .pass),
            CheckRecord(id: "checks[5].sql", kind: "sql", name: "recent orders exist", verdict: .pass),
            CheckRecord(id: "checks[6].http", kind: "http", name: "storefront categories", verdict: .pass),
        ]
        (record.rto, record.rpo) = objectives(rtoMet: true, rpoMet: false)
        return record
    }

    /// pg_restore errored: later steps and every check were skipped, nothing measured.
    static func restoreErroredDrill() -> DrillRecord {
        var record = passingDrill()
        record.runId = "20260624T021500Z-ef56"
        record.verdict = .error
        record.exitCode = 2
        record.summary = "The dump could not be restored: the archive is truncated."
        record.steps = [
            passingSteps()[0],
            passingSteps()[1],
            StepRecord(id: "restore", title: "Restore the dump", verdict: .error, durationSeconds: 0.75,
                       message: "pg_restore exited with status 1",
                       findings: [Finding(code: "archive-truncated", title: "The dump file ends early",
                                          explanation: "The backup was cut off while it was written or copied. Take a new backup and check the copy job.",
                                          detail: "pg_restore: error: could not read input file: end of file\n```not a fence```")]),
            StepRecord(id: "boot", title: "Boot the app", verdict: .skipped, message: "restore did not pass"),
        ]
        record.checks = passingChecks().map { check in
            var skipped = check
            skipped.verdict = .skipped
            skipped.message = "restore did not pass"
            skipped.observations = []
            skipped.queries = []
            skipped.durationSeconds = 0
            return skipped
        }
        record.rto = ObjectiveRecord(name: "RTO", targetSeconds: 3600, measuredSeconds: nil, verdict: .error,
                                     basis: "monotonic clock from target creation to the end of the last check")
        record.rpo = ObjectiveRecord(name: "RPO", targetSeconds: 3600, measuredSeconds: nil, verdict: .skipped,
                                     basis: "drill start minus the backup's created-at")
        record.teardown = cleanTeardown(trigger: "error")
        return record
    }

    /// Strings full of XML and Markdown metacharacters and control characters.
    static let hostileName = "a|b <c> & \"d\" 'e' ]]> *f* _g_ `h` [i](j) \u{01}\u{1B}[31m"
    static let hostileMessage = "line one | pipe\nline two <script>alert(1)</script> & \"quotes\"\r\n# not a heading"

    static func hostileDrill() -> DrillRecord {
        var record = mixedDrill()
        record.runId = "20260624T021500Z-gh78"
        record.summary = hostileMessage
        record.checks[0].name = hostileName
        record.checks[0].message = hostileMessage
        record.checks[0].observations = [Observation(subject: "a|b", expected: "x\ny", actual: "<z>", ok: true)]
        record.checks[1].message = hostileMessage
        record.steps[0].title = hostileName
        return record
    }
}

/// The fixtures by name, for parameterised tests (a name reads better in the log than a record).
enum ReportSample: String, CaseIterable, CustomTestStringConvertible {
    case passing, mixed, restoreErrored, hostile

    var record: DrillRecord {
        switch self {
        case .passing: ReportFixtures.passingDrill()
        case .mixed: ReportFixtures.mixedDrill()
        case .restoreErrored: ReportFixtures.restoreErroredDrill()
        case .hostile: ReportFixtures.hostileDrill()
        }
    }

    var testDescription: String { rawValue }
}
