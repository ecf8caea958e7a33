import Foundation

/// Tears the target down on every path. It is never skipped, and runs detached from the
/// drill's task: a drill stopped by a signal or its deadline is cancelled, and the teardown
/// must still finish, on every kind of target alike.
struct TeardownStep: Sendable {
    static let title = "Tear down the throwaway target"
    /// How much of the app's output a report keeps.
    static let appLogEvidenceLines = 20

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async {
        drill.observer.stepStarted(id: .teardown, title: Self.title)
        let clock = ContinuousClock.now
        state.connection?.close()
        state.connection = nil
        let trigger = drill.interruption.current
            ?? (record.steps.contains { $0.verdict == .error || $0.verdict == .fail } ? "after a failed step" : "completed")
        var teardown = TeardownRecord(verdict: .pass, trigger: trigger)
        let target = drill.target
        let app = await Task.detached { await target.stopApp() }.value
        teardown.actions += app.actions
        keepAppLog(app, drill.secrets, in: &record)
        if let file = state.masterKey?.file {
            do {
                try FileManager.default.removeItem(atPath: file)
                teardown.actions.append("master key file removed")
            } catch {
                teardown.leftovers.append("the master key file \(file) could not be removed: \(error)")
            }
        }
        let outcome = await Task.detached { await target.tearDown() }.value
        teardown.actions += outcome.actions
        teardown.leftovers += outcome.leftovers
        teardown.verdict = teardown.leftovers.isEmpty ? .pass : .error
        teardown.durationSeconds = (ContinuousClock.now - clock).seconds
        record.teardown = teardown
        let step = StepRecord(id: .teardown, title: Self.title, verdict: teardown.verdict, durationSeconds: teardown.durationSeconds,
                              message: teardown.leftovers.isEmpty ? outcome.summary : "left behind: " + teardown.leftovers.joined(separator: "; "),
                              evidence: teardown.actions)
        drill.observer.stepFinished(step)
    }

    /// The app's own last words are evidence of its boot: kept with its step, redacted.
    private func keepAppLog(_ app: AppStop, _ secrets: SecretStore, in record: inout DrillRecord) {
        guard let index = record.steps.firstIndex(where: { $0.id == .app }) else { return }
        record.steps[index].evidence += app.log.suffix(Self.appLogEvidenceLines).map { "log: " + secrets.redact($0) }
        for process in app.processLogs {
            record.steps[index].evidence += process.lines.suffix(Self.appLogEvidenceLines).map { "log (\(process.name)): " + secrets.redact($0) }
        }
    }
}
