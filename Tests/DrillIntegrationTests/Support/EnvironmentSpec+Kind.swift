import DrillKit

/// The tests pick a target by kind, as a scenario file does with `environment.kind`.
enum EnvironmentKind: String {
    case local, compose
}

extension EnvironmentSpec {
    init(kind: EnvironmentKind, compose: ComposeSpec? = nil, database: DatabaseSpec) {
        switch kind {
        case .local: self.init(target: .local(LocalSpec()), database: database)
        case .compose: self.init(target: .compose(compose ?? ComposeSpec(file: "", databaseService: "")), database: database)
        }
    }

    /// A compose environment's settings; setting them makes the environment a compose one.
    var compose: ComposeSpec? {
        get { if case .compose(let spec) = target { spec } else { nil } }
        set { if let newValue { target = .compose(newValue) } }
    }
}
