import Foundation

/// A drill in a throwaway `docker compose` project (`ComposeTarget`): the same drill as a local
/// one (the same checks, findings and reports), with the database and the app in containers.
final class ComposeDrillTarget: DrillTarget {
    let scenario: Scenario
    let spec: ComposeSpec
    let runId: String
    let secrets: SecretStore

    private struct Created {
        /// Set as creation starts: a drill stopped before the project was handed back may still
        /// have left containers `up` had started.
        var creating = false
        var project: ComposeTarget?
        var app: ComposeApp?
        /// A key file copied into the app containers, and the variables they were created with:
        /// containers recreated for another image (the gate's new version) need it again.
        var placedKey: (file: String, path: String, services: [String], variables: [String: String])?
    }
    private let created = Mutex(Created())

    init(scenario: Scenario, spec: ComposeSpec, runId: String, secrets: SecretStore) {
        self.scenario = scenario
        self.spec = spec
        self.runId = runId
        self.secrets = secrets
    }

    var kind: String { "compose" }
    var creationTitle: String { "Create the throwaway compose project and start its database" }
    private var target: ComposeTarget? { created.withLock { $0.project } }

    /// The app services the scenario starts, if any.
    private var appServices: [String] {
        if case .services(let services)? = scenario.app?.start { return services }
        return []
    }

    /// The services a key file goes into: the one named, else every app service.
    private var keyFileServices: [String] {
        if case .file(let service, _)? = scenario.masterKey?.install { return service.map { [$0] } ?? appServices }
        return []
    }

    // MARK: Before anything is created

    /// The dump is listed in the database container, with the server's own pg_restore, once it runs.
    func prepare(_ backup: inout PreparedBackup, _ record: inout DrillRecord) async throws {}

    /// The newest PostgreSQL installed on this host, if any: the database itself runs in its container.
    var hostPostgresPrograms: PostgresBinaries? { try? PostgresBinaries.locate(configured: nil) }

    // MARK: The throwaway database

    func create(for backup: PreparedBackup, _ record: inout DrillRecord) async throws -> TargetCreation {
        created.withLock { $0.creating = true }
        var keyVariable: (name: String, services: [String])?
        if case .environment(let name)? = scenario.masterKey?.install { keyVariable = (name, appServices) }
        let image = try databaseImage(for: backup)
        let options = ComposeTarget.Options(runId: runId, scenario: scenario.name, composeFile: spec.file,
                                            databaseService: spec.databaseService, database: scenario.environment.database,
                                            appServices: appServices + keyFileServices, keyVariable: keyVariable,
                                            dumpDelivery: spec.dumpDelivery, databaseImage: image?.name)
        let dumpPath: String? = if case .dump(let dump) = backup { dump.path } else { nil }
        let target = try await ComposeTarget.prepare(options, dump: dumpPath)
        created.withLock { $0.project = target }
        target.secrets.forEach(secrets.remember)
        record.environment?.containerEngine = target.endpoint + " (Docker \(target.engineVersion))"
        record.environment?.composeProject = target.project.name
        if case .recovery(let setup) = backup {
            return TargetCreation(result: StepResult(
                "compose project \(target.project.name): base backup unpacked into the \(spec.databaseService) volume, set to recover and promote",
                try await target.prepareRecovery(setup)))
        }
        let address = try await target.startDatabase(timeoutSeconds: Int(spec.waitSeconds.rounded(.up)))
        let database = scenario.environment.database.name
        guard let parameters = target.connectionParameters(database: database) else { throw StepFailure(.error, "no database address") }
        let (connection, version) = try await RestoredDatabase.connect(parameters, &record)
        return TargetCreation(result: StepResult("compose project \(target.project.name): PostgreSQL \(version) healthy on \(address), database \(database)", [
            "engine \(record.environment?.containerEngine ?? target.endpoint)",
            "compose files: " + target.project.files.joined(separator: ", ") + " (the second one the harness's: labels, dump mount)",
            "every container, volume and network labelled \(ComposeTarget.runLabel)=\(runId)",
        ] + (image.map { ["\(spec.databaseService) runs \($0.name) (environment.compose.database_image\($0.reason))"] } ?? []) + [
            "\(spec.databaseService) published on the engine's loopback only" + (target.tunnels ? ", reached here through an SSH tunnel at \(address)" : " (\(address))")
                + "; password generated for this run",
        ]), connection: connection)
    }

    /// `database_image`, with `{major}` filled from the PostgreSQL that made the dump: the newer
    /// of the server's and pg_dump's major versions, as the image's pg_restore must read what
    /// that pg_dump wrote (pg_dump 17 against a 15 server writes an archive only 17 reads).
    private func databaseImage(for backup: PreparedBackup) throws -> (name: String, reason: String)? {
        guard let template = spec.databaseImage else { return nil }
        guard template.contains("{major}") else { return (template, "") }
        func major(_ version: String?) -> Int? { version?.split(separator: ".").first.flatMap { Int($0) } }
        guard case .dump(let dump) = backup,
              let newest = [major(dump.inspection.serverVersion), major(dump.inspection.pgDumpVersion)].compactMap({ $0 }).max() else {
            throw StepFailure(.error, "environment.compose.database_image is \(template), but the backup does not say which PostgreSQL made it: "
                              + "name the image without {major}")
        }
        let made = [dump.inspection.serverVersion.map { "PostgreSQL \($0)" }, dump.inspection.pgDumpVersion.map { "pg_dump \($0)" }]
            .compactMap { $0 }.joined(separator: " with ")
        return (template.replacingOccurrences(of: "{major}", with: String(newest)), ", for a dump from \(made)")
    }

    /// The dump made visible to the database container, listed there with the container's own
    /// pg_restore (the server's version), as the local drill does with the host's before.
    func restoreTools(for dump: PreparedDump, _ record: inout DrillRecord) async throws -> RestoreToolsReady {
        guard let target else { throw StepFailure(.error, "no throwaway target to restore into") }
        let staged = try await target.stage(dump: dump.path)
        let (listed, version) = try await ArchiveListing.list(dump.inspection, with: staged.tools, &record)
        if let entries = listed.tocEntries { record.backup?.tocEntries = entries }
        return RestoreToolsReady(tools: staged.tools, inspection: listed,
                                 evidence: ["dump \(staged.delivery)", "pg_restore \(version) of \(staged.tools.place)"])
    }

    func recover(_ setup: RecoverySetup) async throws -> RecoveryOutcome {
        guard let target else { throw StepFailure(.error, "no throwaway target to recover") }
        return try await target.recover(setup)
    }

    func connectionParameters(database: String) -> ConnectionParameters? {
        target?.connectionParameters(database: database)
    }

    var privateDirectory: String? { target?.directory }
    var restoredFile: String? { nil }

    // MARK: The app

    /// Creates the app containers without starting them and copies the key file into each
    /// (`docker compose cp`); the app's image makes it its user's, 0600, before the app starts.
    func placeKey(_ key: InstalledMasterKey, _ spec: MasterKeySpec, installed: String) async throws -> String {
        guard let target else { throw StepFailure(.error, "no throwaway target to install the key into") }
        guard let file = key.file, case .file(_, let path) = spec.install else { return installed + " of the app services" }
        let services = keyFileServices
        guard !services.isEmpty else {
            throw StepFailure(.error, "master_key.install.file names no service and app.start.services is empty: say which service reads the key")
        }
        let variables = scenario.app?.variables ?? [:]
        try await copyKey(file, path: path, into: services, target.project.adding(variables: variables))
        created.withLock { $0.placedKey = (file, path, services, variables) }
        return "file \(path) in \(services.joined(separator: ", ")) (docker compose cp)"
    }

    private func copyKey(_ file: String, path: String, into services: [String], _ project: ComposeProject) async throws {
        do {
            try await project.create(services)
            for service in services { try await project.copy(file, to: service, path: path) }
        } catch {
            throw StepFailure(.error, "could not place the key in \(services.joined(separator: ", ")): \(error)")
        }
    }

    /// Migrate in a one-off container, `up --wait` the app services, resolve every
    /// `{{service:port}}` with `docker compose port`, then the ready probes and the log check.
    func bootApp(_ spec: AppSpec, key: InstalledMasterKey?) async throws -> BootedApp {
        guard let target else { throw StepFailure(.error, "no throwaway target to boot the app in") }
        let services = appServices
        guard !services.isEmpty else { throw StepFailure(.error, "app.start.services is empty") }
        let project = target.project.adding(variables: spec.variables.merging(key?.environment ?? [:]) { $1 })
        var evidence: [String] = []
        // Another image recreates the containers, and a key copied into the old ones is gone with them.
        if let placed = created.withLock({ $0.placedKey }), placed.variables != spec.variables {
            try await copyKey(placed.file, path: placed.path, into: placed.services, target.project.adding(variables: spec.variables))
            created.withLock { $0.placedKey?.variables = spec.variables }
            evidence.append("key file \(placed.path) copied again into the recreated \(placed.services.joined(separator: ", "))")
        }
        let app = ComposeApp(project: project, services: services, forbidden: spec.logsMustNotContain)
        created.withLock { $0.app = app }
        if let migrate = spec.migrate {
            evidence.append(try await AppBoot.migrate(try migrationCommand(migrate, variables: spec.variables, key: key), secrets: secrets))
        }
        let wait = Int((spec.ready.map(\.timeoutSeconds).max() ?? 120).rounded(.up))
        do {
            try await project.up(services, timeoutSeconds: wait)
        } catch {
            // A crash says most, and a crash-looping container is back up part of the time, so
            // look a few times; otherwise compose's own words (a pull, a port clash, a
            // healthcheck that never passed) from `up`.
            var crash: String?
            for attempt in 0..<4 where crash == nil {
                if attempt > 0 { try? await Task.sleep(for: .milliseconds(300)) }
                crash = await app.exitDescription()
            }
            let why = crash ?? "\(error)"
            let lines = await app.recentLines()
            throw StepFailure(.error, "the app services did not come up within \(wait)s (\(why)); \(AppBoot.keyHint). Their last lines:\n"
                              + AppBoot.quote(lines, secrets: secrets))
        }
        evidence.append("started: docker compose up --wait \(services.joined(separator: " "))")
        var published: [String: String] = [:]
        for (service, port) in AppAddress.placeholders(in: scenario.appURLTemplates) {
            do {
                published["\(service):\(port)"] = try await target.reach(service, port: port)
            } catch {
                throw StepFailure(.error, "{{\(service):\(port)}}: \(error)")
            }
        }
        let through = target.tunnels ? "docker compose port, then an SSH tunnel" : "docker compose port"
        evidence += published.sorted { $0.key < $1.key }.map { "{{\($0.key)}} → \($0.value) (\(through))" }
        let address = AppAddress(published: published)
        evidence += try await AppBoot.waitUntilReady(app, probes: spec.ready, address: address, secrets: secrets,
                                                     subject: { AppBoot.subject(of: $0, naming: services.count > 1 ? "service" : nil) })
        try await AppBoot.checkLogs(app, secrets: secrets)
        if case .file(_, let path)? = scenario.masterKey?.install {
            for service in keyFileServices {
                let owner = try? await project.exec(service, ["stat", "-c", "%U %a", path])
                if let owner, owner.succeeded {
                    evidence.append("key in \(service): \(path), owner and mode \(owner.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
            }
        }
        return BootedApp(address: address, message: "\(services.joined(separator: ", ")) up; \(AppBoot.probesPassed(spec))", evidence: evidence)
    }

    /// Their last lines are read, then the services stopped (`docker compose stop`): the gate's
    /// migrations and its way back in place must not run under a version still serving. The
    /// teardown takes them down with the project.
    func stopApp() async -> AppStop {
        guard let app = created.withLock({ state in defer { state.app = nil }; return state.app }) else { return AppStop() }
        let log = await app.recentLines()
        let stopped = try? await app.project.compose(["stop", "--timeout", "10"] + app.services, check: false)
        let action = stopped?.succeeded == true ? "docker compose stop \(app.services.joined(separator: " "))"
            : "docker compose stop \(app.services.joined(separator: " ")) failed (\(stopped?.errorTail() ?? "could not run")); the project goes down at teardown"
        return AppStop(actions: [action], log: log)
    }

    // MARK: Commands

    /// A `command` check's program runs inside `service` (`docker compose exec`), or else on
    /// this host with the `PG*` variables of the database's published port.
    /// In a one-off container of the migrate service (default: the first app service), `run --rm`.
    func migrationCommand(_ spec: MigrateSpec, variables: [String: String], key: InstalledMasterKey?) throws -> Command {
        guard let target else { throw StepFailure(.error, "no throwaway target to migrate") }
        guard let service = spec.service ?? appServices.first else { throw StepFailure(.error, "app.start.services is empty") }
        return target.project.adding(variables: variables.merging(key?.environment ?? [:]) { $1 }).runOnce(service, spec.command)
    }

    func checkCommand(_ arguments: [String], service: String?) throws -> Command {
        guard let target, let executable = arguments.first else { throw StepFailure(.error, "no restored database to run it against") }
        if let service {
            let started = appServices + [spec.databaseService]
            guard started.contains(service) else {
                throw StepFailure(.error, "\(service) is not a service this drill starts (\(started.joined(separator: ", ")))")
            }
            return target.project.execCommand(service, arguments)
        }
        guard let database = target.connectionParameters(database: scenario.environment.database.name) else {
            throw StepFailure(.error, "the restored database has no published address")
        }
        return Command(executable, Array(arguments.dropFirst()),
                       environment: scenario.withoutSecrets(PostgresClientIsolation.variables(for: database)), workingDirectory: scenario.folder)
    }

    // MARK: Teardown

    func tearDown() async -> TargetTeardown {
        let (project, creating) = created.withLock { state in defer { state.project = nil }; return (state.project, state.creating) }
        guard let target = project else {
            guard creating else { return TargetTeardown(actions: ["no throwaway target was created"], summary: "nothing was created") }
            return await sweepInterruptedCreation()
        }
        let outcome = await target.tearDown()
        return TargetTeardown(actions: outcome.actions, leftovers: outcome.leftovers,
                              summary: "project down, nothing labelled with this run remains")
    }

    /// Creation stopped before it handed the project back: whatever carries this run's label is
    /// removed and the engine asked again, so "nothing remains" is verified, never assumed.
    private func sweepInterruptedCreation() async -> TargetTeardown {
        let label = ComposeTarget.runLabel + "=" + runId
        var actions = ["the project was still being created when the drill stopped"]
        if !(await ComposeProject.labelled(label)).isEmpty {
            let swept = await ComposeProject.removeLabelled(label)
            if !swept.isEmpty { actions.append("removed by label \(label): " + swept.joined(separator: ", ")) }
        }
        let remaining = await ComposeProject.labelled(label)
        if remaining.isEmpty { actions.append("verified: no container, volume or network labelled \(label) remains") }
        return TargetTeardown(actions: actions, leftovers: remaining.map { "\($0) labelled \(label)" },
                              summary: "project down, nothing labelled with this run remains")
    }

    static func collectLeftovers(dryRun: Bool, into outcome: inout LeftoverCollector.Outcome) async {
        await ComposeLeftovers.collect(dryRun: dryRun, into: &outcome)
    }
}
