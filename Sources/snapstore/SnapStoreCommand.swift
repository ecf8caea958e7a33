import ArgumentParser

/// A small stand-in for StoreIT (seed 004): a store in one SQLite file, upgraded by snapshot
/// (export everything, import into a fresh database the new version creates), with the
/// automatic rollback to `<db>.pre-upgrade` when the import or the new version's health fails.
struct SnapStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapstore",
        abstract: "A stand-in for StoreIT: a SQLite store with snapshot upgrades and automatic rollback.",
        discussion: """
            The database file comes from --db or DATABASE_FILE. Each release expects one schema \
            version (release 1.0.0: schema 1, 2.0.0: schema 2), kept in PRAGMA user_version; a \
            mismatch stops `serve` unless --auto-upgrade is given.
            """,
        subcommands: [SeedCommand.self, ServeCommand.self, ExportCommand.self, ImportCommand.self, UpgradeCommand.self,
                      VersionCommand.self]
    )
}
