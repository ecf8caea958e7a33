import Foundation
import Testing
@testable import DrillKit

/// A SQLite store's scenario: `backup.sqlite` with `environment.database.file`, and what does
/// not apply to SQLite refused where it is written, with what to write instead.
@Suite struct SQLiteScenarioKeysTests {
    static let scenario = """
        version: 1
        name: storeit-monthly
        environment:
          kind: local
          database: { file: data/db/storeit.db }
        backup:
          sqlite: backups/storeit-*.db
          newest: true
          sha256_file: backups/storeit.db.sha256
        checks:
          - row_counts: { tables: [orders], expect: { orders: 10 } }
          - sequences: {}

        """

    private func messages(_ yaml: String) -> [String] {
        ScenarioFixtures.diagnostics(yaml: yaml).map { "\($0.line): \($0.fullMessage)" }
    }

    @Test func aSQLiteStoreIsReadWithItsFileAndBackup() throws {
        let scenario = try ScenarioFixtures.load(yaml: Self.scenario)
        #expect(scenario.environment.database.engine == .sqlite)
        #expect(scenario.environment.database.file == "data/db/storeit.db")
        #expect(scenario.environment.database.name == "storeit.db")
        guard case .sqlite(let backup) = scenario.backup.source else {
            Issue.record("expected a SQLite backup")
            return
        }
        #expect(backup.path.hasSuffix("/backups/storeit-*.db") && backup.newest)
        #expect(backup.sha256File?.hasSuffix("/backups/storeit.db.sha256") == true)
    }

    @Test func aFileWithANameOrAPathOutsideTheAppsFolderIsRefused() {
        let named = Self.scenario.replacingOccurrences(of: "database: { file: data/db/storeit.db }", with: "database: { file: storeit.db, name: shop }")
        #expect(messages(named).contains { $0.contains("'name' names a PostgreSQL database, but environment.database.file makes this a SQLite store") })
        for bad in ["/srv/storeit.db", "../storeit.db", "data//storeit.db"] {
            let yaml = Self.scenario.replacingOccurrences(of: "data/db/storeit.db", with: bad)
            #expect(messages(yaml).contains { $0.contains("invalid file '\(bad)' for environment.database.file") }, "\(bad)")
        }
    }

    @Test func anEngineMismatchIsNamedEitherWay() {
        let dumpIntoFile = Self.scenario.replacingOccurrences(of: "  sqlite: backups/storeit-*.db\n  newest: true\n", with: "  dump: backups/shop.dump\n")
        #expect(messages(dumpIntoFile).contains { $0.contains("environment.database.file makes this a SQLite store, but the backup is a PostgreSQL one") })
        let fileIntoCluster = Self.scenario.replacingOccurrences(of: "database: { file: data/db/storeit.db }", with: "database: { name: shop, user: shop }")
        #expect(messages(fileIntoCluster).contains { $0.contains("backup.sqlite and backup.export restore a SQLite store, so environment.database needs 'file'") })
        let format = Self.scenario.replacingOccurrences(of: "  newest: true\n", with: "  newest: true\n  format: custom\n")
        #expect(messages(format).contains { $0.contains("'format' applies to 'dump' backups, but this backup is a SQLite store's") })
    }

    @Test func checksThatReadPostgreSQLsCatalogAreRefusedOnSQLite() {
        let yaml = Self.scenario + "  - schema: {}\n  - integrity: {}\n  - freshness: { columns: [orders.created_at] }\n"
        let found = messages(yaml)
        #expect(found.contains { $0.contains("checks[2].schema reads PostgreSQL's catalog and does not apply to a SQLite store; on SQLite use row_counts, money") })
        #expect(found.contains { $0.contains("checks[3].integrity: on a SQLite store the restore step itself runs PRAGMA integrity_check") })
        #expect(found.contains { $0.contains("checks[4].freshness reads PostgreSQL's catalog") })
    }

    @Test func composeAndTheWaysBackOfTheOtherEngineAreRefused() {
        let compose = Self.scenario.replacingOccurrences(of: "  kind: local\n", with: "  kind: compose\n  compose: { file: c.yml, database_service: db }\n")
        #expect(messages(compose).contains { $0.contains("a SQLite store is drilled on environment.kind: local") })
        let gate = Self.scenario + """
            app:
              start: { command: [snapstore, serve] }
            upgrade:
              to:
                start: { command: [snapstore, serve, --release, 2.0.0] }
              rollback: in_place

            """
        #expect(messages(gate).contains { $0.contains("upgrade.rollback: in_place restores a PostgreSQL dump") })
        let migrating = Self.scenario + "app:\n  start: { command: [snapstore, serve] }\n  migrations: { table: schema_migrations, id: version }\n"
        #expect(messages(migrating).contains { $0.contains("app.migrations reads a migrations table of PostgreSQL's") })
        #expect(messages(gate.replacingOccurrences(of: "rollback: in_place", with: "rollback: pre_upgrade")).isEmpty)
        let postgresGate = gate.replacingOccurrences(of: "rollback: in_place", with: "rollback: pre_upgrade")
            .replacingOccurrences(of: "database: { file: data/db/storeit.db }", with: "database: { name: shop, user: shop }")
            .replacingOccurrences(of: "  sqlite: backups/storeit-*.db\n  newest: true\n", with: "  dump: backups/shop.dump\n")
        #expect(messages(postgresGate).contains { $0.contains("upgrade.rollback: pre_upgrade puts a SQLite store's .pre-upgrade copy back") })
    }

    @Test func anExportIsReadWithTheAppsImportWhichMustNameTheArchive() throws {
        let yaml = Self.scenario.replacingOccurrences(of: "  sqlite: backups/storeit-*.db\n  newest: true\n",
                                                      with: "  export:\n    archive: backups/pre-upgrade.storeit\n    import: [storeit-server, import, \"{{archive}}\", --mode, replace]\n")
        let scenario = try ScenarioFixtures.load(yaml: yaml)
        guard case .export(let export) = scenario.backup.source else {
            Issue.record("expected an export")
            return
        }
        #expect(export.file.path.hasSuffix("/backups/pre-upgrade.storeit"))
        #expect(export.importCommand == ["storeit-server", "import", "{{archive}}", "--mode", "replace"])
        #expect(export.file.sha256File?.hasSuffix("/backups/storeit.db.sha256") == true)
        let unnamed = yaml.replacingOccurrences(of: "\"{{archive}}\", ", with: "")
        #expect(messages(unnamed).contains { $0.contains("backup.export.import never names the archive: write {{archive}}") })
    }
}
