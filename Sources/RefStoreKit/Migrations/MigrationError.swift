/// Ways a database's recorded migration history disagrees with the migrations in this binary.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    /// The database was migrated by another (probably newer) build.
    case unknownVersion(version: Int, name: String)
    /// Same version, different migration: the histories diverged.
    case nameMismatch(version: Int, recorded: String, expected: String)
    /// Seeding or issuing needs the full schema.
    case schemaNotCurrent(appliedVersion: Int?, requiredVersion: Int)
    /// A migration's SQL failed; nothing of that migration was kept.
    case migrationFailed(identifier: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownVersion(version, name):
            return "the database records migration \(Migration.identifier(version: version, name: name)), "
                + "which this refstore does not know (it knows up to version \(Migration.latestVersion)); "
                + "was it migrated by a newer refstore?"
        case let .nameMismatch(version, recorded, expected):
            return "migration version \(version) is recorded as '\(recorded)' but this refstore calls it '\(expected)'; "
                + "the database's migration history does not belong to this refstore"
        case let .schemaNotCurrent(applied, required):
            let state = applied.map { "is at migration version \($0)" } ?? "has no RefStore schema"
            return "the database \(state) but version \(required) is required; run `refstore migrate` first"
        case let .migrationFailed(identifier, reason):
            return "migration \(identifier) failed and was rolled back: \(reason)"
        }
    }
}
