extension ScenarioReader {
    /// The checks a SQLite store can run: those computed in portable SQL, the engine's own
    /// integrity check, and the app's. The rest read PostgreSQL's catalog or history.
    static let sqliteCheckKinds: Set<CheckKindName> = [
        .rowCounts, .money, .invoiceSequence, .sql, .canary, .sequences,
        .http, .command, .totpLogin, .secretDecrypt, .testOrder,
    ]

    /// A SQLite backup needs a SQLite store to land in, and the reverse; and a SQLite drill
    /// runs only what applies to SQLite, said where the operator wrote it.
    func checkEngineFits(environment: EnvironmentSpec, backup: BackupSpec, checks: [CheckSpec], app: AppSpec?, upgrade: UpgradeSpec?,
                         at section: ScenarioValue, backupSection: ScenarioValue?) {
        let sqliteBackup = switch backup.source {
        case .sqlite, .export: true
        case .dump, .pitr: false
        }
        switch (environment.database.engine, sqliteBackup) {
        case (.sqlite, false):
            report("environment.database.file makes this a SQLite store, but the backup is a PostgreSQL one: "
                   + "give backup.sqlite the store's file, or name the database with name and user", at: section.entryLocation)
            return
        case (.postgresql, true):
            report("backup.sqlite and backup.export restore a SQLite store, so environment.database needs 'file' (where the app finds it, e.g. data/db/storeit.db) "
                   + "instead of name and user", at: (backupSection ?? section).entryLocation)
            return
        default:
            break
        }
        if environment.database.engine == .postgresql, upgrade?.rollbackWay == .preUpgrade {
            report("upgrade.rollback: pre_upgrade puts a SQLite store's .pre-upgrade copy back; a PostgreSQL store's way back "
                   + "is fresh or in_place", at: section.entryLocation)
        }
        guard environment.database.engine == .sqlite else { return }
        if case .compose = environment.target {
            report("a SQLite store is drilled on environment.kind: local (its file is copied into the throwaway's folder); "
                   + "compose drills restore PostgreSQL", at: section.entryLocation)
        }
        if app?.migrations != nil {
            report("app.migrations reads a migrations table of PostgreSQL's; a SQLite store's schema version is its "
                   + "PRAGMA user_version, which the upgrade gate reads: drop app.migrations", at: section.entryLocation)
        }
        if let upgrade {
            if upgrade.rollbackWay == .inPlace {
                report("upgrade.rollback: in_place restores a PostgreSQL dump with pg_restore --clean; a SQLite store's way back "
                       + "is its .pre-upgrade copy: rollback: pre_upgrade", at: section.entryLocation)
            }
            if upgrade.guardTable != nil {
                report("upgrade.guard probes a PostgreSQL trigger; on a SQLite store check what must not change with a sql check",
                       at: section.entryLocation)
            }
        }
        for check in checks where !Self.sqliteCheckKinds.contains(check.kind.name) {
            if check.kind.name == .integrity {
                report("\(check.path): on a SQLite store the restore step itself runs PRAGMA integrity_check and foreign_key_check "
                       + "on every drill, and fails on what they find; drop this check", at: check.location)
                continue
            }
            report("\(check.path) reads PostgreSQL's catalog and does not apply to a SQLite store; "
                   + "on SQLite use " + CheckKindName.allCases.filter { Self.sqliteCheckKinds.contains($0) }.map(\.rawValue).joined(separator: ", "),
                   at: check.location)
        }
    }
}
