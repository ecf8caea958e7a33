/// The one place that chooses a target by the scenario's `environment`. Adding a kind of
/// target: a case in `TargetSpec`, its reading in `ScenarioReader+Environment`, a folder
/// beside `Local` and `Compose` implementing `DrillTarget`, and a line here.
enum DrillTargets {
    static func make(for scenario: Scenario, runId: String, secrets: SecretStore) -> any DrillTarget {
        switch scenario.environment.target {
        case .local(let spec): LocalDrillTarget(scenario: scenario, spec: spec, runId: runId, secrets: secrets)
        case .compose(let spec): ComposeDrillTarget(scenario: scenario, spec: spec, runId: runId, secrets: secrets)
        }
    }

    /// Every kind, for `gc`.
    static let kinds: [any DrillTarget.Type] = [LocalDrillTarget.self, ComposeDrillTarget.self]
}
