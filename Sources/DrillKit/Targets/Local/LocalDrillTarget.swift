import Foundation

/// A drill on this host: a throwaway `LocalCluster` (restored from a dump, or recovered from a
/// base backup), the app as a child process, both removed at teardown.
final class LocalDrillTarget: DrillTarget {
    let scenario: Scenario
    let spec: LocalSpec
    let runId: String
    let secrets: SecretStore

    private struct Created {
        var binaries: PostgresBinaries?
        var cluster: LocalCluster?
        var app: LocalApp?
        /// A SQLite store's folder, instead of a cluster.
        var store: LocalStoreFolder?
    }
    private let created = Mutex(Created())

    init(scenario: Scenario, spec: LocalSpec, runId: String, secrets: SecretStore) {
        self.scenario = scenario
        self.spec = spec
        self.runId = runId
        self.secrets = secrets
    }

    var kind: String { "local" }
    var creationTitle: String {
        scenario.environment.database.engine == .sqlite ? "Create the throwaway folder" : "Create the throwaway PostgreSQL"
    }
    private var cluster: LocalCluster? { created.withLock { $0.cluster } }
    private var store: LocalStoreFolder? { created.withLock { $0.store } }

    // MARK: Before anything is created

    /// This host's programs restore here, so a dump is listed with them now.
    func prepare(_ backup: inout PreparedBackup, _ record: inout DrillRecord) async throws {
        // A SQLite store needs no server: SQLite itself is linked into the harness.
        switch backup {
        case .sqlite, .export: return
        case .dump, .recovery: break
        }
        let binaries = try locateBinaries()
        created.withLock { $0.binaries = binaries }
        guard case .dump(var dump) = backup else { return }
        let tools = LocalRestoreTools(binaries: binaries, environment: [:], dumpPath: dump.path)
        (dump.inspection, _) = try await ArchiveListing.list(dump.inspection, with: tools, &record)
        backup = .dump(dump)
    }

    /// The programs `prepare` located (`environment.local.postgres_bin`, or the newest installed).
    var hostPostgresPrograms: PostgresBinaries? { created.withLock { $0.binaries } }

    /// This host's PostgreSQL programs; not finding them is a finding.
    private func locateBinaries() throws -> PostgresBinaries {
        do {
            return try PostgresBinaries.locate(configured: spec.postgresBin)
        } catch {
            throw StepFailure(finding: RestoreFindings.toolMissing("\(error)"))
        }
    }

    // MARK: The throwaway database

    func create(for backup: PreparedBackup, _ record: inout DrillRecord) async throws -> TargetCreation {
        if let file = scenario.environment.database.file {
            let store = try LocalStoreFolder.create(runId: runId, scenario: scenario.name, databaseFile: file)
            created.withLock { $0.store = store }
            return TargetCreation(result: StepResult("folder \(store.directory); the store's file goes to app/\(file)", [
                "folder \(store.directory) (0700), marked for gc",
                "the backup is copied here; the original is only ever read",
            ]))
        }
        guard let binaries = created.withLock({ $0.binaries }) else { throw StepFailure(.error, "no PostgreSQL programs located") }
        let database = scenario.environment.database
        let options = LocalCluster.Options(runId: runId, scenario: scenario.name, superuser: database.user, binaries: binaries)
        if case .recovery(let setup) = backup {
            let cluster = try await LocalCluster.createForRecovery(options, setup: setup)
            created.withLock { $0.cluster = cluster }
            return TargetCreation(result: StepResult("base backup unpacked into \(cluster.dataDirectory), set to recover and promote at the target", [
                "folder \(cluster.directory) (0700" + (cluster.runAs.map { ", owned by \($0.name)" } ?? "") + ")",
                "unix socket in that folder only (no TCP); archive_mode off, so the recovered server never writes to the archive",
                "restore_command reads \(setup.archive.path); recovery.signal written",
            ]))
        }
        let cluster = try await LocalCluster.create(options)
        created.withLock { $0.cluster = cluster }
        cluster.secrets.forEach(secrets.remember)
        try await cluster.createDatabase(database.name)
        let (connection, version) = try await RestoredDatabase.connect(cluster.connectionParameters(database: database.name), &record)
        return TargetCreation(result: StepResult("PostgreSQL \(version) on 127.0.0.1:\(cluster.port), database \(database.name)", [
            "folder \(cluster.directory) (0700" + (cluster.runAs.map { ", owned by \($0.name)" } ?? "") + ")",
            "listening on 127.0.0.1:\(cluster.port) and a unix socket in that folder; password generated for this run",
            "server pid \(cluster.serverPid.map(String.init) ?? "?")",
        ]), connection: connection)
    }

    func restoreTools(for dump: PreparedDump, _ record: inout DrillRecord) async throws -> RestoreToolsReady {
        let (cluster, binaries) = created.withLock { ($0.cluster, $0.binaries) }
        guard let cluster, let binaries else { throw StepFailure(.error, "no throwaway target to restore into") }
        let tools = LocalRestoreTools(binaries: binaries, environment: cluster.clientEnvironment(database: scenario.environment.database.name),
                                      dumpPath: dump.path)
        return RestoreToolsReady(tools: tools, inspection: dump.inspection, evidence: [])
    }

    func recover(_ setup: RecoverySetup) async throws -> RecoveryOutcome {
        guard let cluster else { throw StepFailure(.error, "no throwaway target to recover") }
        return try await cluster.recover(setup)
    }

    func connectionParameters(database: String) -> ConnectionParameters? {
        cluster?.connectionParameters(database: database)
    }

    var privateDirectory: String? { cluster?.directory ?? store?.directory }

    var restoredFile: String? { store?.file }

    // MARK: The app

    /// The key file is already in the throwaway's folder, or the key in the app's environment.
    func placeKey(_ key: InstalledMasterKey, _ spec: MasterKeySpec, installed: String) async throws -> String { installed }

    /// Migrate, start every program, wait for each one's ready probes and then the app's, read the logs.
    func bootApp(_ spec: AppSpec, key: InstalledMasterKey?) async throws -> BootedApp {
        guard cluster != nil || store != nil else { throw StepFailure(.error, "no restored database to boot the app on") }
        let programs: [(name: String?, command: [String], ready: [ReadyProbe])]
        switch spec.start {
        case .command(let arguments): programs = [(nil, arguments, [])]
        case .processes(let processes): programs = processes.map { ($0.name, $0.command, $0.ready) }
        case .services: throw StepFailure(.error, "a local environment starts the app with app.start.command or app.start.processes")
        }
        var ports: [UInt16] = []
        do {
            // Each process its own port: asked for one at a time, a port handed out twice is asked for again.
            while ports.count < programs.count {
                let port = UInt16(try freeLoopbackPort())
                if !ports.contains(port) { ports.append(port) }
            }
        } catch {
            throw StepFailure(.error, "no free loopback port for the app: \(error)")
        }
        let named = Dictionary(uniqueKeysWithValues: zip(programs, ports).compactMap { program, port in program.name.map { ($0, port) } })
        let address = AppAddress(port: ports[0], masterKeyFile: key?.file, processPorts: named, databaseFile: store?.file)
        var evidence: [String] = []
        if let migrate = spec.migrate {
            evidence.append(try await AppBoot.migrate(try migrationCommand(migrate, variables: [:], key: key), secrets: secrets))
        }
        var parts: [LocalApp.Part] = []
        for (program, port) in zip(programs, ports) {
            var environment = appEnvironment(key: key)
            environment["PORT"] = String(port)
            guard let executable = program.command.first else { throw StepFailure(.error, "\(program.name ?? "the app")'s command is empty") }
            // Relative paths in the app's commands are relative to the scenario's folder, like every path in it.
            let command = Command(address.argument(executable, ownPort: port), program.command.dropFirst().map { address.argument($0, ownPort: port) },
                                  environment: environment, workingDirectory: scenario.folder)
            parts.append(LocalApp.Part(name: program.name, process: AppProcess(command, forbidden: spec.logsMustNotContain), port: port))
            evidence.append("started" + (program.name.map { " \($0)" } ?? "") + ": \(secrets.redact(command.displayLine)) on 127.0.0.1:\(port)")
        }
        let app = LocalApp(parts: parts)
        created.withLock { $0.app = app }
        for (part, program) in zip(parts, programs) where !program.ready.isEmpty {
            evidence += try await AppBoot.waitUntilReady(LocalAppPart(app: app, part: part), probes: program.ready, address: address,
                                                         secrets: secrets, subject: { _ in part.subject })
        }
        evidence += try await AppBoot.waitUntilReady(app, probes: spec.ready, address: address, secrets: secrets,
                                                     subject: { AppBoot.subject(of: $0, naming: app.isSeveral ? "process" : nil) })
        // A process without probes of its own, or one that died once its probes had passed, is caught here.
        if app.isSeveral, let exit = await app.exitDescription() {
            throw StepFailure(.error, "\(await app.endedPart() ?? "a process") exited (\(exit)) while the app was coming up; \(AppBoot.keyHint). Its last lines:\n"
                              + AppBoot.quote(await app.recentLines(), secrets: secrets))
        }
        try await AppBoot.checkLogs(app, secrets: secrets)
        let listening = parts.map { part in (part.name.map { "\($0) on " } ?? "") + "127.0.0.1:\(part.port)" }.joined(separator: ", ")
        let probes = CheckWording.count(Int64(spec.ready.count + spec.start.processProbes.count), "ready probe")
        return BootedApp(address: address,
                         message: (app.isSeveral ? "\(parts.count) process\(parts.count == 1 ? "" : "es") up: " : "the app is up on ")
                            + listening + "; " + (spec.ready.isEmpty && spec.start.processProbes.isEmpty ? "no ready probe configured" : probes + " passed"),
                         evidence: evidence)
    }

    /// The app gets the key from the drill, never from the harness's own environment.
    private func appEnvironment(key: InstalledMasterKey?) -> [String: String?] {
        var environment = scenario.withoutSecrets(databaseEnvironment)
        for (name, value) in key?.environment ?? [:] { environment[name] = value }
        return environment
    }

    /// How a program finds the restored database: libpq's `PG*` variables, or a SQLite
    /// store's file as `DATABASE_FILE`.
    private var databaseEnvironment: [String: String?] {
        if let store { return ["DATABASE_FILE": store.file] }
        guard let cluster else { return [:] }
        return PostgresClientIsolation.variables(for: cluster.connectionParameters(database: scenario.environment.database.name))
    }

    func migrationCommand(_ spec: MigrateSpec, variables: [String: String], key: InstalledMasterKey?) throws -> Command {
        guard cluster != nil || store != nil else { throw StepFailure(.error, "no restored database to migrate") }
        let address = AppAddress(port: 0, masterKeyFile: key?.file, databaseFile: store?.file)
        let arguments = spec.command.map { address.argument($0) }
        guard let executable = arguments.first else { throw StepFailure(.error, "the migrate command is empty") }
        return Command(executable, Array(arguments.dropFirst()), environment: appEnvironment(key: key), workingDirectory: scenario.folder)
    }

    func stopApp() async -> AppStop {
        guard let app = created.withLock({ state in defer { state.app = nil }; return state.app }) else { return AppStop() }
        await app.stop()
        guard app.isSeveral else {
            return AppStop(actions: ["app stopped (\(app.exits))"], log: app.parts.first?.process.lastLines ?? [])
        }
        return AppStop(actions: ["app stopped (\(app.exits))"], log: [],
                       processLogs: app.parts.map { ($0.name ?? "app", $0.process.lastLines) })
    }

    // MARK: Commands

    /// A `command` check's program runs on this host, from the scenario's folder, with the
    /// restored database's `PG*` variables and none of the scenario's secrets.
    func checkCommand(_ arguments: [String], service: String?) throws -> Command {
        if let service {
            throw StepFailure(.error, "a local drill has no service \(service): its commands run on this host")
        }
        guard cluster != nil || store != nil, !arguments.isEmpty else {
            throw StepFailure(.error, "no restored database to run it against")
        }
        // Only a SQLite store's file is filled in: a check's other text stays as written.
        let filled = arguments.map { argument in store.map { argument.replacingOccurrences(of: "{{database_file}}", with: $0.file) } ?? argument }
        let environment = store != nil ? databaseEnvironment
            : cluster?.clientEnvironment(database: scenario.environment.database.name) ?? [:]
        return Command(filled[0], Array(filled.dropFirst()), environment: scenario.withoutSecrets(environment), workingDirectory: scenario.folder)
    }

    // MARK: Teardown

    func tearDown() async -> TargetTeardown {
        if let store = created.withLock({ state in defer { state.store = nil }; return state.store }) {
            let outcome = await store.tearDown()
            return TargetTeardown(actions: outcome.actions, leftovers: outcome.leftovers, summary: "folder and the restored file removed")
        }
        guard let cluster = created.withLock({ state in defer { state.cluster = nil }; return state.cluster }) else {
            return TargetTeardown(actions: ["no throwaway target was created"], summary: "server stopped, folder removed")
        }
        let outcome = await cluster.tearDown()
        return TargetTeardown(actions: outcome.actions, leftovers: outcome.leftovers, summary: "server stopped, folder removed")
    }

    /// Marked folders under the temporary folder whose harness is gone (a compose drill's
    /// private folder is one too), each with any server still running from it.
    static func collectLeftovers(dryRun: Bool, into outcome: inout LeftoverCollector.Outcome) async {
        for leftover in LeftoverCollector.find() {
            let label = "\(leftover.directory) (run \(leftover.marker.runId), scenario \(leftover.marker.scenario))"
            let keptBecause = leftover.ownerAlive ? "its harness (pid \(leftover.marker.harnessPid)) is still running" : nil
            guard outcome.mayRemove(label, keptBecause: keptBecause, dryRun: dryRun) else { continue }
            let result = await LocalCluster.remove(directory: leftover.directory)
            outcome.removed.append(contentsOf: result.actions.map { "\($0) [\(label)]" })
            outcome.problems.append(contentsOf: result.leftovers)
        }
    }
}
