/// The known keys of one YAML mapping, after the reader has reported the unknown ones.
struct ScenarioMapping {
    /// The mapping itself.
    var value: ScenarioValue
    /// Known keys in file order, each with its value.
    var entries: [(key: String, value: ScenarioValue)] = []
    /// Secret slots (`password`) written inline; already reported, so "missing
    /// `password_env`" would only repeat the problem.
    var inlineSecretSlots: Set<String> = []

    subscript(key: String) -> ScenarioValue? {
        entries.first { $0.key == key }?.value
    }

    func contains(_ key: String) -> Bool { self[key] != nil }

    var path: String { value.path }
}
