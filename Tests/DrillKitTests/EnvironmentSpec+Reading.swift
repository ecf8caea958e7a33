import DrillKit

/// What the loader tests read back of `environment`, by kind, as the file wrote it.
extension EnvironmentSpec {
    enum Kind { case local, compose }

    var kind: Kind { if case .compose = target { .compose } else { .local } }
    var compose: ComposeSpec? { if case .compose(let spec) = target { spec } else { nil } }
    var local: LocalSpec? { if case .local(let spec) = target { spec } else { nil } }
}
