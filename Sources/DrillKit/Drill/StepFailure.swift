/// Ends a step early with a verdict: `fail` when the backup is at fault, `error` when the
/// drill could not be carried out.
public struct StepFailure: Error, CustomStringConvertible {
    public var verdict: Verdict
    public var message: String
    public var findings: [Finding]
    /// What the step saw before it stopped, where its caller keeps it (the way back's parts).
    public var evidence: [String]

    public init(_ verdict: Verdict, _ message: String, findings: [Finding] = [], evidence: [String] = []) {
        self.verdict = verdict
        self.message = message
        self.findings = findings
        self.evidence = evidence
    }

    /// A finding that means the backup is bad fails the step; one about the harness's own
    /// tools errors it.
    public init(finding: Finding) {
        self.init(finding.blame == .harness ? .error : .fail, finding.title, findings: [finding])
    }

    public var description: String { message }
}
