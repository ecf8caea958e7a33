/// What every step of one drill may use and none may change.
struct DrillContext: Sendable {
    let scenario: Scenario
    let runId: String
    let secrets: SecretStore
    let observer: any DrillObserver
    let interruption: Interruption
    let target: any DrillTarget

    /// Why the drill is stopping, if it is: a signal, the deadline, or cancellation.
    var stopReason: String? { interruption.current ?? (Task.isCancelled ? "cancellation" : nil) }
}
