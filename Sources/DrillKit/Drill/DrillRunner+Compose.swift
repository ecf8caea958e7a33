import Foundation

/// The steps of a compose drill: the same drill as a local one (the same checks, findings and
/// reports), carried out in a throwaway `docker compose` project.
extension DrillRunner {
    func createComposeTarget(_ state: inout State, _ record: inout DrillRecord) async throws -> (message: String, evidence: [String]) {
        guard let spec = scenario.environment.compose else { throw StepFailure(.error, "environment.compose is missing") }
        state.rtoStart = ContinuousClock.now
        var keyVariable: (name: String, services: [String])?
        if case .environment(let name)? = scenario.masterKey?.install { keyVariable = (name, appServices) }
        let options = ComposeTarget.Options(runId: runId, scenario: scenario.name, composeFile: spec.file,
                                            databaseService: spec.databaseService, database: scenario.environment.database,
                                            appServices: appServices + keyFileServices, keyVariable: keyVariable,
                                            dumpDelivery: spec.dumpDelivery)
        let target = try await ComposeTarget.prepare(options, dump: state.dumpPath)
        state.compose = target
        target.secrets.forEach(secrets.remember)
        record.environment?.containerEngine = target.endpoint + " (Docker \(target.engineVersion))"
        record.environment?.composeProject = target.project.name
        if let setup = state.recovery {
            return ("compose project \(target.project.name): base backup unpacked into the \(spec.databaseService) volume, set to recover and promote",
                    try await target.prepareRecovery(setup))
        }
        let address = try await target.startDatabase(timeoutSeconds: Int(spec.waitSeconds.rounded(.up)))
        let database = scenario.environment.database.name
        guard let parameters = target.connectionParameters(database: database) else { throw StepFailure(.error, "no database address") }
        let connection = try await PostgresConnection.connect(parameters)
        state.connection = connection
        let version = try await connection.query("SHOW server_version").scalar ?? "?"
        record.environment?.serverVersion = "PostgreSQL \(version)"
        return ("compose project \(target.project.name): PostgreSQL \(version) healthy on \(address), database \(database)", [
            "engine \(record.environment?.containerEngine ?? target.endpoint)",
            "compose files: " + target.project.files.joined(separator: ", ") + " (the second one the harness's: labels, dump mount)",
            "every container, volume and network labelled \(ComposeTarget.runLabel)=\(runId)",
            "\(spec.databaseService) published on the engine's loopback only" + (target.tunnels ? ", reached here through an SSH tunnel at \(address)" : " (\(address))")
                + "; password generated for this run",
        ])
    }

    /// The app services the scenario starts, if any.
    var appServices: [String] {
        if case .services(let services)? = scenario.app?.start { return services }
        return []
    }

    /// The services a key file goes into: the one named, else every app service.
    var keyFileServices: [String] {
        if case .file(let service, _)? = scenario.masterKey?.install { return service.map { [$0] } ?? appServices }
        return []
    }

    /// The dump made visible to the database container, listed there with the container's own
    /// pg_restore (the server's version), as the local drill does with the host's before.
    func stageInContainer(_ path: String, inspection: ArchiveInspection, _ target: ComposeTarget,
                          _ record: inout DrillRecord) async throws -> (any RestoreTools, ArchiveInspection, [String]) {
        let staged = try await target.stage(dump: path)
        let (listed, version) = try await listArchive(inspection, with: staged.tools, &record)
        if let entries = listed.tocEntries { record.backup?.tocEntries = entries }
        return (staged.tools, listed, ["dump \(staged.delivery)", "pg_restore \(version) of \(staged.tools.place)"])
    }

    /// Creates the app containers without starting them and copies the key file into each
    /// (`docker compose cp`); the app's image makes it its user's, 0600, before the app starts.
    func copyKeyIntoContainers(_ key: InstalledMasterKey, spec: MasterKeySpec, _ target: ComposeTarget) async throws -> String? {
        guard let file = key.file, case .file(_, let path) = spec.install else { return nil }
        let services = keyFileServices
        guard !services.isEmpty else {
            throw StepFailure(.error, "master_key.install.file names no service and app.start.services is empty: say which service reads the key")
        }
        do {
            try await target.project.create(services)
            for service in services { try await target.project.copy(file, to: service, path: path) }
        } catch {
            throw StepFailure(.error, "could not place the key in \(services.joined(separator: ", ")): \(error)")
        }
        return "file \(path) in \(services.joined(separator: ", ")) (docker compose cp)"
    }

    /// Migrate in a one-off container, `up --wait` the app services, resolve every
    /// `{{service:port}}` with `docker compose port`, then the ready probes and the log check.
    func bootComposeApp(_ spec: AppSpec, _ target: ComposeTarget, _ state: inout State) async throws -> (message: String, evidence: [String]) {
        let services = appServices
        guard !services.isEmpty else { throw StepFailure(.error, "app.start.services is empty") }
        let project = target.project.adding(variables: state.masterKey?.environment ?? [:])
        let app = ComposeApp(project: project, services: services, forbidden: spec.logsMustNotContain)
        state.composeApp = app
        var evidence: [String] = []
        if let migrate = spec.migrate {
            let service = migrate.service ?? services[0]
            evidence.append(try await AppBoot.migrate(project.runOnce(service, migrate.command), secrets: secrets))
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
        for (service, port) in AppAddress.placeholders(in: urlTemplates) {
            do {
                published["\(service):\(port)"] = try await target.reach(service, port: port)
            } catch {
                throw StepFailure(.error, "{{\(service):\(port)}}: \(error)")
            }
        }
        let through = target.tunnels ? "docker compose port, then an SSH tunnel" : "docker compose port"
        evidence += published.sorted { $0.key < $1.key }.map { "{{\($0.key)}} → \($0.value) (\(through))" }
        let address = AppAddress(published: published)
        state.appAddress = address
        evidence += try await AppBoot.waitUntilReady(app, probes: spec.ready, address: address, secrets: secrets)
        try await AppBoot.checkLogs(app, secrets: secrets)
        if case .file(_, let path)? = scenario.masterKey?.install {
            for service in keyFileServices {
                let owner = try? await project.exec(service, ["stat", "-c", "%U %a", path])
                if let owner, owner.succeeded {
                    evidence.append("key in \(service): \(path), owner and mode \(owner.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
            }
        }
        state.appReady = true
        let probes = spec.ready.isEmpty ? "no ready probe configured" : CheckWording.count(Int64(spec.ready.count), "ready probe") + " passed"
        return ("\(services.joined(separator: ", ")) up; \(probes)", evidence)
    }

    /// Every URL the drill will call: ready probes and app checks.
    var urlTemplates: [String] {
        var templates = scenario.app?.ready.map(\.http.url) ?? []
        for check in scenario.checks {
            switch check.kind {
            case .totpLogin(let settings): templates.append(settings.url)
            case .testOrder(let settings): templates += [settings.loginURL, settings.ordersURL]
            case .http(let settings): templates.append(settings.url)
            default: break
            }
        }
        return templates
    }

    /// Keeps the app's last lines as evidence, then takes the project down. Detached: a drill
    /// stopped by a signal or its deadline is cancelled, and the teardown must still run.
    func tearDownCompose(_ target: ComposeTarget, app: ComposeApp?, _ teardown: inout TeardownRecord, _ record: inout DrillRecord) async {
        if let app {
            keepAppLog(await Task.detached { await app.recentLines() }.value, in: &record)
        }
        let outcome = await Task.detached { await target.tearDown() }.value
        teardown.actions += outcome.actions
        teardown.leftovers += outcome.leftovers
    }
}
