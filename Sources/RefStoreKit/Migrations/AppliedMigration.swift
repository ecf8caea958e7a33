/// A migration this run applied, with how long its transaction took.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let duration: Duration

    /// The duration in fractional seconds, for printing.
    public var seconds: Double { duration.seconds }

    public var identifier: String { Migration.identifier(version: version, name: name) }
}
