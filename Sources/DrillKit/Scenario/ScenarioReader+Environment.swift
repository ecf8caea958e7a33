/// `environment.kind` as written in the scenario.
enum TargetKindName: String, CaseIterable {
    case compose, local
}

extension ScenarioReader {
    func readEnvironment(_ value: ScenarioValue) -> EnvironmentSpec? {
        guard let environment = mapping(value, allowed: ["kind", "compose", "local", "database"]) else { return nil }
        let kind = required("kind", in: environment).flatMap { enumeration($0, choices: [TargetKindName.compose, .local]) }
        let database = required("database", in: environment).flatMap(readDatabase)
        let compose = environment["compose"].flatMap(readCompose)
        let local = environment["local"].flatMap(readLocal) ?? LocalSpec()
        // Settings for the other kind would be silently ignored; say so instead.
        if kind == .compose, !environment.contains("compose") {
            report("missing required key 'compose' under environment (kind: compose needs the compose file and database service)",
                   at: value.entryLocation)
        }
        if kind == .local, let composeValue = environment["compose"] {
            report("'compose' applies to kind: compose, but environment.kind is local", at: composeValue.entryLocation)
        }
        if kind == .compose, let localValue = environment["local"] {
            report("'local' applies to kind: local, but environment.kind is compose", at: localValue.entryLocation)
        }
        guard let kind, let database else { return nil }
        switch kind {
        case .local: return EnvironmentSpec(target: .local(local), database: database)
        case .compose:
            // Without a readable `compose` the problem is already reported; the placeholder lets
            // the rest of the file be checked in the same run.
            return EnvironmentSpec(target: .compose(compose ?? ComposeSpec(file: "", databaseService: "")), database: database)
        }
    }

    private func readDatabase(_ value: ScenarioValue) -> DatabaseSpec? {
        guard let database = mapping(value, allowed: ["name", "user", "file"]) else { return nil }
        if let fileValue = database["file"] {
            for key in ["name", "user"] {
                if let misplaced = database[key] {
                    report("'\(key)' names a PostgreSQL database, but environment.database.file makes this a SQLite store",
                           at: misplaced.entryLocation)
                }
            }
            guard let file = string(fileValue) else { return nil }
            let parts = file.split(separator: "/", omittingEmptySubsequences: false)
            guard !file.hasPrefix("/"), !file.isEmpty, !parts.contains(".."), !parts.contains(""), !file.hasSuffix("/") else {
                report("invalid file '\(file)' for environment.database.file: write the store's path inside the app's folder, "
                       + "relative and without '..' (e.g. data/db/storeit.db)", at: fileValue.location)
                return nil
            }
            return DatabaseSpec(file: file)
        }
        let name = required("name", in: database).flatMap(string)
        let user = required("user", in: database).flatMap(string)
        guard let name, let user else { return nil }
        return DatabaseSpec(name: name, user: user)
    }

    private func readCompose(_ value: ScenarioValue) -> ComposeSpec? {
        guard let compose = mapping(value, allowed: ["file", "database_service", "wait", "dump_delivery", "database_image"]) else { return nil }
        let file = required("file", in: compose).flatMap(path)
        let service = required("database_service", in: compose).flatMap(string)
        let wait = compose["wait"].flatMap(duration)
        let delivery = compose["dump_delivery"].flatMap { enumeration($0, choices: DumpDelivery.allCases) }
        let image = compose["database_image"].flatMap(string)
        guard let file, let service else { return nil }
        return ComposeSpec(file: file, databaseService: service, waitSeconds: wait ?? 120, dumpDelivery: delivery ?? .auto,
                           databaseImage: image)
    }

    /// `postgres_bin: auto` (or no key) means find initdb and pg_ctl; anything else is a folder.
    private func readLocal(_ value: ScenarioValue) -> LocalSpec? {
        guard let local = mapping(value, allowed: ["postgres_bin"]) else { return nil }
        guard let binValue = local["postgres_bin"] else { return LocalSpec() }
        if binValue.scalar?.string == "auto" { return LocalSpec() }
        return path(binValue).map { LocalSpec(postgresBin: $0) }
    }
}
