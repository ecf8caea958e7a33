/// One forward-only schema change, compiled into the binary so the schema a drill seeds is
/// exactly the schema this build was tested against.
public struct Migration: Sendable, Equatable {
    /// Position in the history; applied in ascending order and never renumbered.
    public let version: Int
    /// Short snake_case label, recorded next to the version so a renamed or foreign
    /// migration in the database is caught instead of silently skipped.
    public let name: String
    /// The change itself. May hold several statements; the migrator wraps it in a
    /// transaction, so it must not contain its own BEGIN/COMMIT.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// `0010_invoice_immutability`, the way SovEcom names its migration files.
    public var identifier: String { Self.identifier(version: version, name: name) }

    static func identifier(version: Int, name: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name
    }
}
