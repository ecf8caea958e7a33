/// What ties the human-readable reports to the signed JSON record they were rendered with:
/// an auditor holding a Markdown report can hash the record and compare.
public struct RecordReference: Sendable, Equatable {
    public var fileName: String
    public var sha256: String
    /// The signing key's id; nil when the drill ran without one.
    public var signerKeyID: String?
    /// Place in the scenario's chain of records.
    public var sequence: Int?
    /// The step timeline drawn beside the Markdown report.
    public var timelineFileName: String?

    public init(fileName: String, sha256: String, signerKeyID: String?, sequence: Int?, timelineFileName: String?) {
        self.fileName = fileName
        self.sha256 = sha256
        self.signerKeyID = signerKeyID
        self.sequence = sequence
        self.timelineFileName = timelineFileName
    }
}
