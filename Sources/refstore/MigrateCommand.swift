import ArgumentParser
import DrillCommandLine
import DrillKit
import RefStoreKit

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the schema migrations the database has not recorded yet."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var release: ReleaseOption

    func run() async throws {
        let database = try await connection.connect(applicationName: "refstore")
        defer { database.close() }
        let applied = try await RefStore.migrate(on: database, to: release.release)
        let latest = release.release.schemaVersion
        if applied.isEmpty {
            print("nothing to apply: the schema is already at version \(latest)")
            return
        }
        for migration in applied {
            print("applied \(migration.identifier) in \(DurationText.format(migration.seconds))")
        }
        print("applied \(applied.count) migration\(applied.count == 1 ? "" : "s"); the schema is at version \(latest)")
    }
}
