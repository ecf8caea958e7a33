/// What a drilled app did as it started: the migrations it applied to the restored copy
/// (its migrations table before the boot and after it), and the version it reported.
public struct AppStartRecord: Sendable, Codable, Equatable {
    /// The migrations table's entries before the boot; nil when it was not read.
    public var before: [String]?
    /// What the boot applied, in order.
    public var applied: [String]?
    /// For a table that keeps only the current revision, the one it held before.
    public var previousHead: String?
    public var version: String?
    /// Why the version could not be read, in one line.
    public var versionProblem: String?
    /// True when the version could not be asked for at all (no answer), rather than answered wrongly.
    public var versionUnreachable: Bool?
    /// Why the migrations could not be compared (the table is not there after the boot).
    public var migrationsProblem: String?

    public init() {}
}
