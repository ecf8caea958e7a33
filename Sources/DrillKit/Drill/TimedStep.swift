import Foundation

/// One part of a rehearsal that keeps its own steps (the way back): run, timed on the monotonic
/// clock, its failure caught as a verdict, everything it says redacted. The runner's rule
/// without the runner's observer lines.
enum TimedStep {
    static func run(_ id: StepID, _ title: String, _ secrets: SecretStore, _ body: () async throws -> StepResult) async -> StepRecord {
        let clock = ContinuousClock.now
        var result = StepRecord(id: id, title: title, verdict: .pass, startedAt: Date())
        do {
            let outcome = try await body()
            result.message = secrets.redact(outcome.message)
            result.evidence = outcome.evidence.map(secrets.redact)
        } catch let failure as StepFailure {
            result.verdict = failure.verdict
            result.message = secrets.redact(failure.message)
            result.evidence = failure.evidence.map(secrets.redact)
        } catch {
            result.verdict = .error
            result.message = secrets.redact("\(error)")
        }
        result.durationSeconds = (ContinuousClock.now - clock).seconds
        return result
    }
}
