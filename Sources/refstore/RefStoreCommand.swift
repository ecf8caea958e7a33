import ArgumentParser

struct RefStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refstore",
        abstract: "A small stand-in for the SovEcom store: migrate its schema, seed deterministic data, serve its API.",
        discussion: """
            Connects with the standard libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE, \
            PGPASSWORD); the flags below override all but the password, which is only ever \
            read from PGPASSWORD (or ~/.pgpass).
            """,
        subcommands: [MigrateCommand.self, SeedCommand.self, ServeCommand.self, ComponentsCommand.self]
    )
}
