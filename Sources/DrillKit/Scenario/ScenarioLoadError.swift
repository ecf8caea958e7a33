/// Why a scenario could not be loaded: every problem found in the file, in file order.
///
/// The loader reports all problems it can find in one pass (so an operator fixes a file in
/// one round trip), except after malformed YAML, where nothing after the error can be trusted.
public struct ScenarioLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [ScenarioDiagnostic]

    public init(diagnostics: [ScenarioDiagnostic]) {
        precondition(!diagnostics.isEmpty, "a load error carries at least one diagnostic")
        self.diagnostics = diagnostics
    }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
