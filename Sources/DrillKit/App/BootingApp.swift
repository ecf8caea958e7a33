/// An app the drill is waiting for: a local child process or compose services. The ready
/// probes stop early when it has died, and quote its last lines.
protocol BootingApp: Sendable {
    /// How it ended or why it cannot come up (`exit code 78`), or nil while it runs.
    func exitDescription() async -> String?
    func recentLines() async -> [String]
    /// The first line that contains one of `logs.must_not_contain`.
    func forbiddenHit() async -> (pattern: String, line: String)?
    /// Which part ended, when the app has several (`the process admin`); nil names the app.
    func endedPart() async -> String?
}

extension BootingApp {
    func endedPart() async -> String? { nil }
}
