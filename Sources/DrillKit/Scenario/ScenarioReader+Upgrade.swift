import Yams

extension ScenarioReader {
    /// `upgrade: { to: { migrate, start, ready }, version, migrations, changed_tables, guard, rollback }`.
    func readUpgrade(_ value: ScenarioValue) -> UpgradeSpec? {
        guard let upgrade = mapping(value, allowed: ["to", "version", "migrations", "changed_tables", "guard", "rollback", "database_image", "commands"]) else { return nil }
        let to = required("to", in: upgrade).flatMap(readApp)
        let version = upgrade["version"].flatMap(readVersionProbe)
        let migrations = upgrade["migrations"].flatMap(readMigrationsTable)
        let changed = upgrade["changed_tables"].flatMap(readChangedTables)
        let guardTable = upgrade["guard"].flatMap(readGuard)
        let rollback = upgrade["rollback"].flatMap(readRollback)
        let databaseImage = upgrade["database_image"].flatMap(string)
        let commands = upgrade["commands"].flatMap(readUpgradeCommands)
        let problems = [("database_image", databaseImage == nil), ("commands", commands == nil), ("version", version == nil), ("migrations", migrations == nil), ("changed_tables", changed == nil),
                        ("guard", guardTable == nil), ("rollback", rollback == nil)]
        guard let to, !problems.contains(where: { upgrade[$0.0] != nil && $0.1 }) else { return nil }
        return UpgradeSpec(to: to, version: version, migrations: migrations, changedTables: changed ?? [],
                           guardTable: guardTable, rollback: rollback?.rehearsed ?? true, rollbackWay: rollback?.way ?? .fresh,
                           databaseImage: databaseImage,
                           commands: commands ?? [])
    }

    /// `app.version: { url, key, body, expect }`: the version a drilled app must report.
    func readAppVersion(_ value: ScenarioValue) -> VersionProbe? {
        guard let probe = mapping(value, allowed: ["url", "key", "body", "expect"]) else { return nil }
        let url = required("url", in: probe).flatMap(string)
        let key = probe["key"].flatMap(string)
        let body = probe["body"].flatMap { enumeration($0, as: VersionProbe.Body.self) }
        let expect = required("expect", in: probe).flatMap(scalarVersion)
        if body == .text, let keyValue = probe["key"] {
            report("'key' names a JSON key, and 'body: text' reads the whole answer as the version: drop one of them", at: keyValue.problemLocation)
            return nil
        }
        guard let url, let expect, probe["key"] == nil || key != nil, probe["body"] == nil || body != nil else { return nil }
        return VersionProbe(url: url, key: key ?? "version", body: body ?? .json, to: expect)
    }

    private func readVersionProbe(_ value: ScenarioValue) -> VersionProbe? {
        guard let probe = mapping(value, allowed: ["url", "key", "body", "from", "to"]) else { return nil }
        let url = required("url", in: probe).flatMap(string)
        let key = probe["key"].flatMap(string)
        let body = probe["body"].flatMap { enumeration($0, as: VersionProbe.Body.self) }
        if body == .text, let keyValue = probe["key"] {
            report("'key' names a JSON key, and 'body: text' reads the whole answer as the version: drop one of them", at: keyValue.problemLocation)
            return nil
        }
        let from = probe["from"].flatMap(scalarVersion)
        let to = probe["to"].flatMap(scalarVersion)
        guard let url, probe["body"] == nil || body != nil else { return nil }
        return VersionProbe(url: url, key: key ?? "version", body: body ?? .json, from: from, to: to)
    }

    private func readUpgradeCommands(_ value: ScenarioValue) -> [UpgradeCommand]? {
        guard let elements = list(value) else { return nil }
        let commands = elements.map { element -> UpgradeCommand? in
            guard let command = mapping(element, allowed: ["name", "run", "run_upgraded", "service", "allow"]) else { return nil }
            let name = required("name", in: command).flatMap(string)
            let run = required("run", in: command).flatMap { stringList($0) }
            let runUpgraded = command["run_upgraded"].flatMap { stringList($0) }
            let service = command["service"].flatMap(string)
            let allow = command["allow"].flatMap { enumeration($0, as: UpgradeCommand.Allowance.self) }
            guard let name, let run, command["allow"] == nil || allow != nil, command["run_upgraded"] == nil || runUpgraded != nil else { return nil }
            return UpgradeCommand(name: name, run: run, runUpgraded: runUpgraded, service: service, allow: allow ?? .exact)
        }
        return commands.contains { $0 == nil } ? nil : commands.compactMap { $0 }
    }

    /// `rollback: true | false | fresh | in_place | pre_upgrade`.
    private func readRollback(_ value: ScenarioValue) -> (rehearsed: Bool, way: UpgradeSpec.RollbackWay)? {
        if value.tagName == Tag.Name.bool.rawValue, let flag = value.node.bool { return (flag, .fresh) }
        return enumeration(value, as: UpgradeSpec.RollbackWay.self).map { (true, $0) }
    }

    /// `2.0.0`, or `2` written as a number.
    private func scalarVersion(_ value: ScenarioValue) -> String? {
        scalarText(value, expected: "a version such as \"2.0.0\"")
    }

    func readMigrationsTable(_ value: ScenarioValue) -> MigrationsTable? {
        guard let table = mapping(value, allowed: ["table", "id", "name"]) else { return nil }
        let tableName = required("table", in: table).flatMap(string)
        let id = required("id", in: table).flatMap(string)
        let name = table["name"].flatMap(string)
        guard let tableName, let id else { return nil }
        return MigrationsTable(table: tableName, id: id, name: name)
    }

    /// `changed_tables: { customers: "name split into first_name and last_name" }`.
    private func readChangedTables(_ value: ScenarioValue) -> [(table: String, why: String)]? {
        guard let entries = dataEntries(value) else { return nil }
        var changed: [(String, String)] = []
        for entry in entries {
            guard let why = string(entry.value) else { return nil }
            changed.append((entry.key, why))
        }
        return changed
    }

    /// `guard: { table: invoices }`.
    private func readGuard(_ value: ScenarioValue) -> String? {
        guard let guardSection = mapping(value, allowed: ["table"]) else { return nil }
        return required("table", in: guardSection).flatMap(string)
    }

    /// The gate needs the current version to take its baseline through, a dump to restore
    /// twice (forward and back), and both versions started the way this kind of target starts apps.
    func checkUpgradeFits(_ upgrade: UpgradeSpec, app: AppSpec?, backup: BackupSpec?, environment: EnvironmentSpec, at section: ScenarioValue) {
        if app == nil {
            report("upgrade needs app: the version production runs now, booted on the restored copy before the upgrade (its baseline and the way back)",
                   at: section.entryLocation)
        }
        if let backup, case .pitr = backup.source {
            report("upgrade rehearses on a restored dump (backup.dump): the backup taken before the upgrade is the way back",
                   at: section.entryLocation)
        }
        checkAppFits(upgrade.to, environment: environment, at: section)
        if app?.migrations != nil || app?.version != nil || upgrade.to.migrations != nil || upgrade.to.version != nil {
            report("app.migrations and app.version are for a drill of the version production runs; a gate reads upgrade.migrations "
                   + "and upgrade.version for both versions", at: section.entryLocation)
        }
        if upgrade.databaseImage != nil, case .local = environment.target {
            report("upgrade.database_image needs environment.kind: compose; a local gate restores into this host's PostgreSQL",
                   at: section.entryLocation)
        }
    }
}
