/// Where a `command` check's program runs; the drill's target answers (a local target: this
/// host with the restored database's `PG*` variables; a compose target: that too, or inside
/// an app service).
protocol CommandPlace: Sendable {
    /// The command to run, or a `StepFailure` saying why it cannot run here.
    func checkCommand(_ arguments: [String], service: String?) throws -> Command
}
