/// Where a record sits in its scenario's history: deleting, altering or inserting a record
/// breaks the link the next one carries, and `verify-report` says which.
public struct ChainLink: Sendable, Codable, Equatable {
    /// 1 for a scenario's first record in its report folder, then one more per run.
    public var sequence: Int
    /// SHA-256 of the previous record's JSON file, byte for byte; nil only for sequence 1.
    public var previousRecordSha256: String?
    /// The previous record's run id, so a broken link can name what went missing.
    public var previousRunId: String?

    public init(sequence: Int, previousRecordSha256: String? = nil, previousRunId: String? = nil) {
        self.sequence = sequence
        self.previousRecordSha256 = previousRecordSha256
        self.previousRunId = previousRunId
    }
}
