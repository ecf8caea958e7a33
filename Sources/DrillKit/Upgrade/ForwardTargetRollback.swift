import Foundation

/// A way back rehearsed on the forward target itself, before its teardown, whatever state the
/// upgrade left it in: the new version stopped, the way's own parts run, and one `rollback` step
/// recorded with them, its verdict, the way back's RTO and what the new version last printed.
protocol ForwardTargetRollback: Sendable {
    var spec: UpgradeSpec { get }
    var app: AppSpec { get }
    static var title: String { get }
    static var way: UpgradeSpec.RollbackWay { get }
    /// The way back as a failure names it: "the way back in place".
    static var wayBack: String { get }
    /// The way's own parts, run once the new version is stopped.
    func rehearse(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async -> RollbackParts
    /// The step's message when every part passed, given the way back's RTO.
    func passed(_ parts: RollbackParts, rto: Double) -> String
}

/// What a way back's parts did: each part's step, what they found, and what the new version
/// left behind that the way back did not remove.
struct RollbackParts: Sendable {
    var steps: [StepRecord] = []
    var findings: [Finding] = []
    var leftovers: [String] = []
}

extension ForwardTargetRollback {
    /// How much of the new version's output, stopped for the way back, the step keeps.
    static var stoppedLogLines: Int { 10 }
    static var compareTitle: String { "Compare the result with the baseline the current version ran on" }

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async -> StepRecord {
        drill.observer.stepStarted(id: .rollback, title: Self.title)
        let startedAt = Date()
        let clock = ContinuousClock.now
        let stopped = await drill.target.stopApp()
        state.appReady = false
        state.appAddress = nil

        let parts = await rehearse(drill, &state, &record)
        let rto = (ContinuousClock.now - clock).seconds
        let failed = parts.steps.first { $0.verdict != .pass }
        let verdict: Verdict = failed.map { $0.verdict == .skipped ? .error : $0.verdict } ?? .pass
        var upgrade = record.upgrade ?? UpgradeRecord()
        upgrade.rollback = RollbackRecord(steps: parts.steps, verdict: verdict, rtoSeconds: failed == nil ? rto : nil, way: Self.way.rawValue,
                                          leftovers: parts.leftovers.isEmpty ? nil : parts.leftovers)
        record.upgrade = upgrade
        let message = failed.map { "\(Self.wayBack) failed at \($0.id): \($0.message ?? $0.title)" }
            ?? passed(parts, rto: rto)
        var step = StepRecord(id: .rollback, title: Self.title, verdict: verdict, startedAt: startedAt,
                              durationSeconds: (ContinuousClock.now - clock).seconds, message: drill.secrets.redact(message),
                              evidence: stopped.actions + Self.lastLines(of: stopped, drill.secrets)
                                + parts.steps.map { "\($0.id): \($0.verdict.rawValue), \(DurationText.format($0.durationSeconds))" })
        step.findings = parts.findings.map { finding in
            var redacted = finding
            redacted.detail = finding.detail.map(drill.secrets.redact)
            return redacted
        }
        drill.observer.stepFinished(step)
        return step
    }

    /// The current version booted on the way back's result, with its probes, then its version
    /// when the gate reads one: the parts every way back ends with.
    func bootCurrentVersion(title: String, _ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async -> [StepRecord] {
        let boot = await TimedStep.run(.app, title, drill.secrets) {
            try await AppStep(spec: app).run(drill, &state, &record)
        }
        guard boot.verdict == .pass, let version = spec.version, let address = state.appAddress else { return [boot] }
        return [boot, await TimedStep.run("rollback_version", "The current version reports itself", drill.secrets) {
            let reported = try await UpgradeFiguresReader.version(version, at: address)
            if let problem = UpgradeFiguresReader.mismatch(reported, expected: version.from, side: "rolled-back") {
                throw StepFailure(.fail, problem)
            }
            return StepResult("version \(reported)")
        }]
    }

    /// " 1.4.2" when the gate knows the current version, for the step's words.
    var currentVersionText: String { spec.version?.from.map { " \($0)" } ?? "" }

    /// The new version's last words before it was stopped for the way back: the teardown keeps
    /// only the app that runs last, the rolled-back one.
    static func lastLines(of stopped: AppStop, _ secrets: SecretStore) -> [String] {
        stopped.log.suffix(stoppedLogLines).map { "new version's log: " + secrets.redact($0) }
            + stopped.processLogs.flatMap { process in
                process.lines.suffix(stoppedLogLines).map { "new version's log (\(process.name)): " + secrets.redact($0) }
            }
    }
}
