/// What the scenario's checks declared they need, gathered for the parts of a drill that act
/// on it before any check runs.
extension Scenario {
    /// The checks this version can carry out (`makeCheck` is nil for a kind not available yet).
    var runnableChecks: [any DrillCheck] { checks.compactMap(makeCheck) }

    /// The variables the scenario reads secrets from (`*_env`), which the app must not inherit.
    var secretVariables: [String] {
        var references: [SecretReference] = []
        if let key = masterKey {
            references.append(key.source)
            if case .age(let identity)? = key.decrypt { references.append(identity) }
        }
        references += runnableChecks.flatMap(\.secretsRead)
        var names = references.compactMap { if case .environment(let name) = $0 { name } else { nil } }
        // The variable the key is installed as: the drill sets it for the app, nobody inherits it.
        if case .environment(let name)? = masterKey?.install { names.append(name) }
        return names
    }

    /// Every URL the drill will call: ready probes and app checks.
    var appURLTemplates: [String] {
        ((app?.ready ?? []) + (app?.start.processProbes ?? [])).map(\.http.url) + runnableChecks.flatMap(\.urlTemplates)
    }

    /// Which sides of a recovery target the checks prove.
    var recoveryAssertions: Set<PITRAssertion> {
        Set(runnableChecks.compactMap(\.recoveryAssertion))
    }
}
