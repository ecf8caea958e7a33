import Foundation

/// A problem the harness recognised, in plain words an operator can act on at 3 a.m.
public struct Finding: Sendable, Codable, Equatable {
    /// Stable identifier, e.g. `archive-truncated`.
    public var code: String
    /// One line: what is wrong.
    public var title: String
    /// Plain words: what it means and what to do.
    public var explanation: String
    /// The tool's own words (pg_restore's message), already redacted.
    public var detail: String?

    public init(code: String, title: String, explanation: String, detail: String? = nil) {
        self.code = code
        self.title = title
        self.explanation = explanation
        self.detail = detail
    }
}

/// One thing a check compared: what it asked for and what it got. Aggregates only.
public struct Observation: Sendable, Codable, Equatable {
    public var subject: String
    public var expected: String
    public var actual: String
    public var ok: Bool

    public init(subject: String, expected: String, actual: String, ok: Bool) {
        self.subject = subject
        self.expected = expected
        self.actual = actual
        self.ok = ok
    }
}

public struct StepRecord: Sendable, Codable, Equatable {
    /// `prepare`, `target`, `restore`, `teardown`, …
    public var id: StepID
    public var title: String
    public var verdict: Verdict
    public var startedAt: Date?
    public var durationSeconds: Double
    public var message: String?
    public var findings: [Finding]
    /// Facts worth keeping (`pg_restore jobs: 2`, `items restored: 212/212`).
    public var evidence: [String]

    public init(id: StepID, title: String, verdict: Verdict, startedAt: Date? = nil, durationSeconds: Double = 0,
                message: String? = nil, findings: [Finding] = [], evidence: [String] = []) {
        self.id = id
        self.title = title
        self.verdict = verdict
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.message = message
        self.findings = findings
        self.evidence = evidence
    }
}

public struct CheckRecord: Sendable, Codable, Equatable {
    /// `checks[2].invoice_sequence`
    public var id: String
    public var kind: String
    public var name: String
    public var verdict: Verdict
    public var durationSeconds: Double
    /// Why it failed, errored or was skipped; a short summary when it passed.
    public var message: String?
    public var observations: [Observation]
    /// The SQL the check sent (never its results' row contents).
    public var queries: [String]
    public var line: Int?
    /// How new the restored data is (a freshness check): the RPO is measured from it.
    public var dataAsOf: DataAsOf?
    /// What the check measured for later drills to compare with (a volume check's row counts
    /// and money totals, `rows public.orders` → 2000).
    public var measurements: [String: Int64]?
    /// True for a comparison with earlier drills that had none to compare with (a first
    /// drill): skipped, never passed, yet the drill still recovered.
    public var nothingToCompare: Bool?

    public init(id: String, kind: String, name: String, verdict: Verdict, durationSeconds: Double = 0,
                message: String? = nil, observations: [Observation] = [], queries: [String] = [], line: Int? = nil) {
        self.id = id
        self.kind = kind
        self.name = name
        self.verdict = verdict
        self.durationSeconds = durationSeconds
        self.message = message
        self.observations = observations
        self.queries = queries
        self.line = line
    }
}

/// The newest value of the columns that say how new the data is, and which column held it.
public struct DataAsOf: Sendable, Codable, Equatable {
    public var at: Date
    public var column: String

    public init(at: Date, column: String) {
        self.at = at
        self.column = column
    }
}

public struct ObjectiveRecord: Sendable, Codable, Equatable {
    /// `RTO` or `RPO`
    public var name: String
    public var targetSeconds: Double
    /// nil when the drill did not get far enough to measure it.
    public var measuredSeconds: Double?
    public var verdict: Verdict
    /// How it was measured, in words (`monotonic clock from target creation to the end of the last check`).
    public var basis: String
    /// Why the drill did not recover (`the restore step failed`): an objective is met only by a
    /// drill that recovered, so this one is not met whatever the clock says.
    public var notRecovered: String?
    /// For an RTO not met that way: how long the drill ran from target creation until it stopped.
    public var ranSeconds: Double?

    public init(name: String, targetSeconds: Double, measuredSeconds: Double?, verdict: Verdict, basis: String,
                notRecovered: String? = nil, ranSeconds: Double? = nil) {
        self.name = name
        self.targetSeconds = targetSeconds
        self.measuredSeconds = measuredSeconds
        self.verdict = verdict
        self.basis = basis
        self.notRecovered = notRecovered
        self.ranSeconds = ranSeconds
    }
}

public struct BackupIdentity: Sendable, Codable, Equatable {
    public var path: String
    public var format: String?
    public var sizeBytes: Int64?
    public var sha256: String?
    /// `matches sha256_file`, `not checked (no sha256_file)`, …
    public var sha256Status: String?
    public var createdAt: Date?
    /// Where `createdAt` came from (`archive header`, `manifest taken_at`, `file modification time`).
    public var createdAtSource: String?
    public var sourceDatabase: String?
    public var sourceServerVersion: String?
    public var pgDumpVersion: String?
    public var archiveVersion: String?
    public var compression: String?
    public var tocEntries: Int?
    public var manifestPath: String?
    public var manifestTakenAt: Date?

    public init(path: String) { self.path = path }
}

public struct EnvironmentFacts: Sendable, Codable, Equatable {
    public var targetKind: String
    public var host: String
    public var operatingSystem: String
    public var harnessVersion: String
    public var serverVersion: String?
    public var restoreToolVersion: String?
    public var runAsUser: String?
    /// A compose drill's engine (`unix:///run/…/docker.sock`, Docker 20.10.24) and project name.
    public var containerEngine: String?
    public var composeProject: String?
    /// The harness's own peak resident memory (children such as pg_restore excluded).
    public var harnessPeakMemoryBytes: Int64?

    public init(targetKind: String, host: String, operatingSystem: String, harnessVersion: String) {
        self.targetKind = targetKind
        self.host = host
        self.operatingSystem = operatingSystem
        self.harnessVersion = harnessVersion
    }
}

public struct TeardownRecord: Sendable, Codable, Equatable {
    public var verdict: Verdict
    public var durationSeconds: Double
    /// What was removed (`stopped postgres pid 4242`, `removed /tmp/restore-drill-…`).
    public var actions: [String]
    /// What a post-teardown check still found; empty means nothing was left behind.
    public var leftovers: [String]
    /// Why teardown ran (`completed`, `SIGINT`, `error`).
    public var trigger: String

    public init(verdict: Verdict, durationSeconds: Double = 0, actions: [String] = [], leftovers: [String] = [], trigger: String) {
        self.verdict = verdict
        self.durationSeconds = durationSeconds
        self.actions = actions
        self.leftovers = leftovers
        self.trigger = trigger
    }
}

/// Everything a drill found out: the one source the JUnit, Markdown and JSON reports render from.
public struct DrillRecord: Sendable, Codable, Equatable {
    public static let schemaVersion = 1

    public var schemaVersion: Int = DrillRecord.schemaVersion
    public var runId: String
    public var scenarioName: String
    public var scenarioFile: String
    public var scenarioDescription: String?
    public var startedAt: Date
    public var finishedAt: Date?
    public var verdict: Verdict
    public var exitCode: Int32
    /// One sentence: why the drill ended the way it did.
    public var summary: String
    public var tier: String?
    public var rto: ObjectiveRecord?
    public var rpo: ObjectiveRecord?
    public var steps: [StepRecord]
    public var checks: [CheckRecord]
    public var backup: BackupIdentity?
    public var environment: EnvironmentFacts?
    public var teardown: TeardownRecord?
    /// The restored catalog's structure, read before the checks: what the next drill's schema
    /// check compares with when there is no manifest.
    public var schema: SchemaFingerprint?
    /// The upgrade gate's own findings; nil for a restore drill.
    public var upgrade: UpgradeRecord?
    /// What the app did as it started, when the scenario asks (`app.migrations`, `app.version`).
    public var appStart: AppStartRecord?
    /// From the scenario's `evidence:`: how often a passing drill is due, and the controls
    /// this drill evidences. Kept in the record so history and the control matrix need only
    /// the reports folder, not scenario files that may have changed since.
    public var cadenceSeconds: Double?
    public var controls: [String]?
    /// The link to the previous record of this scenario; set when the record is written.
    public var chain: ChainLink?

    public init(runId: String, scenarioName: String, scenarioFile: String, scenarioDescription: String? = nil,
                startedAt: Date, verdict: Verdict = .error, exitCode: Int32 = 2, summary: String = "",
                steps: [StepRecord] = [], checks: [CheckRecord] = []) {
        self.runId = runId
        self.scenarioName = scenarioName
        self.scenarioFile = scenarioFile
        self.scenarioDescription = scenarioDescription
        self.startedAt = startedAt
        self.verdict = verdict
        self.exitCode = exitCode
        self.summary = summary
        self.steps = steps
        self.checks = checks
    }
}

/// A finding can end a step early: thrown, caught by the runner, recorded.
extension Finding: Error {}
