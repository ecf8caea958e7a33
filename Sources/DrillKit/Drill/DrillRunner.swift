import Foundation

/// Carries out one drill (seed 003: empty target, restore, verify, record, tear down) and
/// returns the record every report renders from. It never throws: whatever happens ends up
/// in the record, and the throwaway target is torn down on every path.
public final class DrillRunner: Sendable {
    public static let harnessVersion = "0.1.0"
    /// How much of the app's output a report keeps.
    static let appLogEvidenceLines = 20

    let scenario: Scenario
    let runId: String
    let observer: any DrillObserver
    let interruption: Interruption
    let secrets: SecretStore

    public init(scenario: Scenario, runId: String = RunID.make(), observer: any DrillObserver = SilentObserver(),
                interruption: Interruption = Interruption(), secrets: SecretStore = SecretStore()) {
        self.scenario = scenario
        self.runId = runId
        self.observer = observer
        self.interruption = interruption
        self.secrets = secrets
    }

    /// What the steps hand to each other.
    struct State {
        var dumpSpec: DumpSpec?
        var dumpPath: String?
        var dumpSHA256: String?
        var inspection: ArchiveInspection?
        var manifest: Manifest?
        var binaries: PostgresBinaries?
        var cluster: LocalCluster?
        var compose: ComposeTarget?
        var recovery: RecoverySetup?
        var recoveryOutcome: RecoveryOutcome?
        var connection: PostgresConnection?
        var rtoStart: ContinuousClock.Instant?
        var rtoEnd: ContinuousClock.Instant?
        var masterKey: InstalledMasterKey?
        var app: AppProcess?
        var composeApp: ComposeApp?
        var appAddress: AppAddress?
        /// Set once the app answered its ready probes; app checks need it.
        var appReady = false

        /// The harness's own connection to the restored database, whichever the target.
        func connectionParameters(database: String) -> ConnectionParameters? {
            cluster?.connectionParameters(database: database) ?? compose?.connectionParameters(database: database)
        }
    }

    public func run() async -> DrillRecord {
        let body = Task { await self.carryOut() }
        let deadline = scenario.deadlineSeconds
        let interruption = self.interruption
        // The scenario's hard deadline: past it, the drill stops as if interrupted, and the
        // teardown (which ignores cancellation) still runs.
        let watchdog = Task {
            try await Task.sleep(for: .milliseconds(Int64(deadline * 1000)))
            interruption.record("the scenario's deadline (\(DurationText.formatObjective(deadline)))")
            body.cancel()
        }
        let record = await withTaskCancellationHandler { await body.value } onCancel: { body.cancel() }
        watchdog.cancel()
        return record
    }

    private func carryOut() async -> DrillRecord {
        var record = DrillRecord(runId: runId, scenarioName: scenario.name, scenarioFile: scenario.file,
                                 scenarioDescription: scenario.description, startedAt: Date())
        record.tier = scenario.objectives.tier?.rawValue
        record.cadenceSeconds = scenario.evidence.cadenceSeconds
        record.controls = scenario.evidence.controls.isEmpty ? nil : scenario.evidence.controls
        var facts = EnvironmentFacts(targetKind: scenario.environment.kind.rawValue, host: ProcessInfo.processInfo.hostName,
                                     operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString,
                                     harnessVersion: Self.harnessVersion)
        facts.runAsUser = SystemUser.isRoot ? "root (PostgreSQL runs as postgres)" : NSUserName()
        record.environment = facts
        observer.drillStarted(scenario: scenario, runId: runId)
        var state = State()

        let pitr: Bool = if case .pitr = scenario.backup.source { true } else { false }
        var ok = finish(await step("plan", "Check that this host can run the scenario") { try self.plan() }, &record)
        ok = finish(await step("prepare", "Find, measure and inspect the backup", after: ok ? nil : "plan") {
            try await self.prepare(&state, &record)
        }, &record)
        ok = finish(await step("target", scenario.environment.kind == .compose ? "Create the throwaway compose project and start its database"
                                                                               : "Create the throwaway PostgreSQL", after: ok ? nil : "prepare") {
            try await self.createTarget(&state, &record)
        }, &record)
        ok = finish(await step("restore", pitr ? "Recover to the target" : "Restore the dump", after: ok ? nil : "target") {
            try await self.restore(&state, &record)
        }, &record)
        let restored = ok
        var lastStep = "restore"
        if let masterKey = scenario.masterKey {
            ok = finish(await step("master_key", "Install the application's master key", after: ok ? nil : lastStep) {
                try await self.installMasterKey(masterKey, &state)
            }, &record)
            lastStep = "master_key"
        }
        if let app = scenario.app {
            ok = finish(await step("app", "Boot the application and wait until it is healthy", after: ok ? nil : lastStep) {
                try await self.bootApp(app, &state)
            }, &record)
        }
        await runChecks(&state, &record, restored: restored)
        if restored, let problem = pitrAssertionsProblem {
            _ = finish(StepRecord(id: "pitr_assertions", title: "Check what the recovered database holds on both sides of the target",
                                  verdict: .error, message: problem), &record)
        }
        await tearDown(&state, &record)
        judgeObjectives(state, &record)

        record.finishedAt = Date()
        record.environment?.harnessPeakMemoryBytes = Self.peakResidentMemory()
        (record.verdict, record.exitCode) = DrillVerdict.judge(record)
        record.summary = secrets.redact(DrillVerdict.summary(record, interruption: interruption.current))
        observer.drillFinished(record)
        return record
    }

    // MARK: - Steps

    /// Runs one step, timed on the monotonic clock. `after` names the step whose failure makes
    /// this one skipped.
    private func step(_ id: String, _ title: String, after failedDependency: String? = nil,
                      _ body: () async throws -> (message: String, evidence: [String])) async -> StepRecord {
        if let failedDependency {
            return StepRecord(id: id, title: title, verdict: .skipped, message: "skipped: \(failedDependency) did not pass")
        }
        if let reason = interruption.current ?? (Task.isCancelled ? "cancellation" : nil) {
            return StepRecord(id: id, title: title, verdict: .skipped, message: "skipped: interrupted by \(reason)")
        }
        observer.stepStarted(id: id, title: title)
        let startedAt = Date()
        let clock = ContinuousClock.now
        var result = StepRecord(id: id, title: title, verdict: .pass, startedAt: startedAt)
        do {
            let (message, evidence) = try await body()
            result.message = secrets.redact(message)
            result.evidence = evidence.map(secrets.redact)
        } catch let failure as StepFailure where interruption.current == nil && !Task.isCancelled {
            result.verdict = failure.verdict
            result.message = secrets.redact(failure.message)
            result.findings = failure.findings.map { finding in
                var redacted = finding
                redacted.detail = finding.detail.map(secrets.redact)
                return redacted
            }
        } catch let error where error is CancellationError || interruption.current != nil || Task.isCancelled {
            result.verdict = .error
            result.message = "interrupted by \(interruption.current ?? "cancellation"): the step did not finish"
        } catch {
            result.verdict = .error
            result.message = secrets.redact("\(error)")
        }
        result.durationSeconds = (ContinuousClock.now - clock).seconds
        return result
    }

    /// Records a finished step and tells whether the next may run.
    private func finish(_ step: StepRecord, _ record: inout DrillRecord) -> Bool {
        record.steps.append(step)
        observer.stepFinished(step)
        return step.verdict == .pass
    }

    /// Refuses, before touching anything, what this version cannot carry out.
    private func plan() throws -> (message: String, evidence: [String]) {
        var unsupported: [String] = []
        let compose = scenario.environment.kind == .compose
        for check in scenario.checks where makeCheck(check) == nil {
            unsupported.append("\(check.path) at line \(check.location.line) (this check kind is not available yet)")
        }
        guard unsupported.isEmpty else {
            throw StepFailure(.error, "this version cannot carry out: " + unsupported.joined(separator: "; "))
        }
        return ("\(compose ? "compose" : "local") target, \(scenario.checks.count) checks", [])
    }

    /// Seed 003 step 3: the key goes into the target's private folder (0600) or the app's
    /// environment, never into argv or a report.
    private func installMasterKey(_ spec: MasterKeySpec, _ state: inout State) async throws -> (message: String, evidence: [String]) {
        guard let directory = state.cluster?.directory ?? state.compose?.directory else {
            throw StepFailure(.error, "no throwaway target to install the key into")
        }
        let key: InstalledMasterKey
        do {
            key = try await MasterKeyInstaller.install(spec, secrets: secrets, workDirectory: directory + "/app")
        } catch let failure as MasterKeyFailure {
            throw StepFailure(.error, failure.description)
        }
        state.masterKey = key
        var place = key.file.map { "file \($0) (0600)" } ?? "environment variable \(key.environment.keys.sorted().joined())"
        if let compose = state.compose {
            place = try await copyKeyIntoContainers(key, spec: spec, compose) ?? place + " of the app services"
        }
        var evidence = ["source: \(spec.source)", "installed as \(place)", "key id: sha256 \(key.fingerprint)…"]
        switch spec.decrypt {
        case .age?: evidence.insert("decrypted with age", at: 1)
        case .gpg?: evidence.insert("decrypted with gpg", at: 1)
        case nil: break
        }
        return ("\(InstalledMasterKey.byteCount)-byte key installed as \(place)", evidence)
    }

    /// Seed 003 step 4: migrate, start, wait for the ready probes, read the log.
    private func bootApp(_ spec: AppSpec, _ state: inout State) async throws -> (message: String, evidence: [String]) {
        if let compose = state.compose { return try await bootComposeApp(spec, compose, &state) }
        guard let cluster = state.cluster, case .command(let arguments) = spec.start, let executable = arguments.first else {
            throw StepFailure(.error, "a local environment starts the app with app.start.command")
        }
        let port: UInt16
        do { port = UInt16(try freeLoopbackPort()) } catch { throw StepFailure(.error, "no free loopback port for the app: \(error)") }
        let address = AppAddress(port: port, masterKeyFile: state.masterKey?.file)
        state.appAddress = address
        let database = cluster.connectionParameters(database: scenario.environment.database.name)
        var environment: [String: String?] = [
            "PGHOST": database.host, "PGPORT": database.port.map(String.init), "PGUSER": database.user,
            "PGPASSWORD": database.password, "PGDATABASE": database.database, "PGSSLMODE": "disable",
            "PORT": String(port),
        ]
        // The app must get the key from the drill, not from the harness's own environment:
        // a key inherited from CI would make a backup without its key look healthy.
        for name in scenarioSecretVariables() + ["MASTER_KEY"] { environment[name] = .some(nil) }
        for (name, value) in state.masterKey?.environment ?? [:] { environment[name] = value }
        let folder = (scenario.file as NSString).deletingLastPathComponent
        var evidence: [String] = []
        if let migrate = spec.migrate {
            let arguments = migrate.command.map(address.argument)
            guard let executable = arguments.first else { throw StepFailure(.error, "app.migrate.command is empty") }
            evidence.append(try await AppBoot.migrate(Command(executable, Array(arguments.dropFirst()), environment: environment,
                                                              workingDirectory: folder.isEmpty ? nil : folder), secrets: secrets))
        }
        // Relative paths in the app's commands are relative to the scenario's folder, like every path in it.
        let command = Command(address.argument(executable), arguments.dropFirst().map(address.argument), environment: environment,
                              workingDirectory: folder.isEmpty ? nil : folder)
        let app = AppProcess(command, forbidden: spec.logsMustNotContain)
        state.app = app
        evidence.append("started: \(secrets.redact(command.displayLine)) on 127.0.0.1:\(port)")
        evidence += try await AppBoot.waitUntilReady(app, probes: spec.ready, address: address, secrets: secrets)
        try await AppBoot.checkLogs(app, secrets: secrets)
        state.appReady = true
        let probes = spec.ready.isEmpty ? "no ready probe configured" : CheckWording.count(Int64(spec.ready.count), "ready probe") + " passed"
        return ("the app is up on 127.0.0.1:\(port); \(probes)", evidence)
    }

    /// The variables the scenario reads secrets from (`*_env`), which the app must not inherit.
    func scenarioSecretVariables() -> [String] {
        var references: [SecretReference] = []
        if let key = scenario.masterKey {
            references.append(key.source)
            if case .age(let identity)? = key.decrypt { references.append(identity) }
        }
        for check in scenario.checks {
            switch check.kind {
            case .totpLogin(let settings): references += [settings.password, settings.secret]
            case .secretDecrypt(let settings): references.append(settings.secret)
            case .testOrder(let settings): references += [settings.password, settings.secret]
            case .canary(let settings): references.append(settings.value)
            default: break
            }
        }
        return references.compactMap { if case .environment(let name) = $0 { name } else { nil } }
    }

    private func prepare(_ state: inout State, _ record: inout DrillRecord) async throws -> (message: String, evidence: [String]) {
        if case .pitr(let pitr) = scenario.backup.source { return try await preparePITR(pitr, &state, &record) }
        guard case .dump(let spec) = scenario.backup.source else { throw StepFailure(.error, "no dump configured") }
        state.dumpSpec = spec
        var evidence: [String] = []
        let path: String
        do {
            path = try DumpLocator.locate(spec)
        } catch {
            throw StepFailure(finding: RestoreFindings.dumpMissing("\(error)"))
        }
        state.dumpPath = path
        var identity = BackupIdentity(path: path)
        record.backup = identity

        let size = Self.size(of: path)
        identity.sizeBytes = size
        record.backup = identity
        if size < spec.minSizeBytes {
            throw StepFailure(finding: RestoreFindings.dumpTooSmall(size: size, minimum: spec.minSizeBytes))
        }
        let (hash, _) = try FileDigest.sha256(path: path)
        try Task.checkCancellation()
        identity.sha256 = hash
        state.dumpSHA256 = hash
        if let checksumFile = spec.sha256File {
            let expected: String
            do {
                expected = try FileDigest.expectedHash(fromChecksumFile: checksumFile)
            } catch {
                throw StepFailure(.error, "cannot read sha256_file \(checksumFile): \(error.localizedDescription)")
            }
            guard expected == hash else {
                identity.sha256Status = "MISMATCH with \(checksumFile)"
                record.backup = identity
                throw StepFailure(finding: RestoreFindings.checksumMismatch(expected: expected, actual: hash, source: checksumFile))
            }
            identity.sha256Status = "matches \(checksumFile)"
        } else {
            identity.sha256Status = "computed (no sha256_file to compare with)"
        }
        record.backup = identity

        if let manifestPath = scenario.backup.manifest {
            let manifest = try Self.readManifest(manifestPath)
            if let fingerprint = manifest.dump, fingerprint.sha256 != hash {
                identity.sha256Status = (identity.sha256Status ?? "") + "; differs from the manifest's"
                record.backup = identity
                throw StepFailure(finding: RestoreFindings.manifestDumpMismatch(manifestHash: fingerprint.sha256, dumpHash: hash))
            }
            state.manifest = manifest
            identity.manifestPath = manifestPath
            identity.manifestTakenAt = manifest.takenAt
            evidence.append("manifest taken at \(ISO8601.string(from: manifest.takenAt)) from PostgreSQL \(manifest.serverVersion)"
                + (manifest.dump != nil ? ", recorded this dump's sha256" : ""))
        }
        record.backup = identity

        var inspection: ArchiveInspection
        switch ArchiveInspector.inspectFile(path: path, declared: spec.format) {
        case .success(let value): inspection = value
        case .failure(let finding): throw StepFailure(finding: finding)
        }
        // A local drill lists the archive with this host's pg_restore now; a compose drill
        // with the database container's, once that container runs (the restore step).
        if scenario.environment.kind == .local {
            let binaries = try locateLocalBinaries()
            state.binaries = binaries
            (inspection, _) = try await listArchive(inspection, with: LocalRestoreTools(binaries: binaries, environment: [:], dumpPath: path), &record)
        }
        state.inspection = inspection
        identity.format = inspection.format.rawValue
        identity.archiveVersion = inspection.header?.formatVersion
        identity.compression = inspection.header?.compression
        identity.sourceDatabase = inspection.header?.databaseName
        identity.sourceServerVersion = inspection.serverVersion
        identity.pgDumpVersion = inspection.pgDumpVersion
        identity.tocEntries = inspection.tocEntries
        (identity.createdAt, identity.createdAtSource) = Self.creationTime(inspection: inspection, manifest: state.manifest, path: path)
        record.backup = identity

        evidence.append("dump \(path)")
        evidence.append("format \(inspection.format.rawValue), \(SizeText.format(size)), sha256 \(hash)")
        if let tocEntries = inspection.tocEntries { evidence.append("table of contents: \(tocEntries) entries") }
        if let created = identity.createdAt {
            evidence.append("created at \(ISO8601.string(from: created, fractional: false)) (\(identity.createdAtSource ?? "?"))")
        }
        let versions = [inspection.serverVersion.map { "server \($0)" }, inspection.pgDumpVersion.map { "pg_dump \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        return ("\(inspection.format.rawValue) dump, \(SizeText.format(size))" + (versions.isEmpty ? "" : ", from \(versions)")
                + (spec.sha256File != nil ? ", sha256 verified" : ""), evidence)
    }

    private func createTarget(_ state: inout State, _ record: inout DrillRecord) async throws -> (message: String, evidence: [String]) {
        if scenario.environment.kind == .compose { return try await createComposeTarget(&state, &record) }
        if let setup = state.recovery { return try await createRecoveryTarget(setup, &state) }
        guard let binaries = state.binaries else { throw StepFailure(.error, "no PostgreSQL programs located") }
        state.rtoStart = ContinuousClock.now
        let database = scenario.environment.database
        let cluster = try await LocalCluster.create(.init(runId: runId, scenario: scenario.name, superuser: database.user, binaries: binaries))
        state.cluster = cluster
        cluster.secrets.forEach(secrets.remember)
        try await cluster.createDatabase(database.name)
        let connection = try await PostgresConnection.connect(cluster.connectionParameters(database: database.name))
        state.connection = connection
        let version = try await connection.query("SHOW server_version").scalar ?? "?"
        record.environment?.serverVersion = "PostgreSQL \(version)"
        return ("PostgreSQL \(version) on 127.0.0.1:\(cluster.port), database \(database.name)", [
            "folder \(cluster.directory) (0700" + (cluster.runAs.map { ", owned by \($0.name)" } ?? "") + ")",
            "listening on 127.0.0.1:\(cluster.port) and a unix socket in that folder; password generated for this run",
            "server pid \(cluster.serverPid.map(String.init) ?? "?")",
        ])
    }

    private func restore(_ state: inout State, _ record: inout DrillRecord) async throws -> (message: String, evidence: [String]) {
        if let setup = state.recovery { return try await recoverToTarget(setup, &state, &record) }
        guard let path = state.dumpPath, var inspection = state.inspection, let connection = state.connection,
              let spec = state.dumpSpec else {
            throw StepFailure(.error, "nothing to restore")
        }
        let database = scenario.environment.database.name
        let tools: any RestoreTools
        var evidence: [String] = []
        if let cluster = state.cluster, let binaries = state.binaries {
            tools = LocalRestoreTools(binaries: binaries, environment: cluster.clientEnvironment(database: database), dumpPath: path)
        } else if let compose = state.compose {
            (tools, inspection, evidence) = try await stageInContainer(path, inspection: inspection, compose, &record)
            state.inspection = inspection
        } else {
            throw StepFailure(.error, "no throwaway target to restore into")
        }
        let restorer = Restorer(inspection: inspection, jobs: spec.jobs.resolved, database: database, tools: tools, secrets: secrets)
        let observer = self.observer
        let outcome = try await restorer.run(connection: connection) { done, total in
            observer.progress(stepId: "restore", text: total.map { "\(done)/\($0) items" } ?? "\(done) items")
        }
        guard outcome.verdict == .pass else { throw StepFailure(outcome.verdict, outcome.message, findings: outcome.findings) }
        return (outcome.message, evidence + outcome.evidence)
    }

    /// Runs the checks side by side, each on its own connection: they are independent
    /// read-only queries, and on a big restore they are most of what follows the restore.
    private func runChecks(_ state: inout State, _ record: inout DrillRecord, restored: Bool) async {
        let specs = scenario.checks
        var results = specs.map { spec in
            CheckRecord(id: spec.path, kind: spec.kind.key, name: makeCheck(spec)?.displayName ?? spec.kind.key,
                        verdict: .skipped, line: spec.location.line)
        }
        let skipReason = (interruption.current ?? (Task.isCancelled ? "cancellation" : nil)).map { "skipped: interrupted by \($0)" }
            ?? (restored ? nil : "skipped: the restore did not pass")
        if let skipReason {
            for index in results.indices {
                results[index].message = skipReason
                observer.checkFinished(results[index])
            }
            record.checks = results
            return
        }
        let parameters = state.connectionParameters(database: scenario.environment.database.name)
        let manifest = state.manifest
        let sharedScans = SharedTableScans(needs: specs.compactMap(makeCheck).flatMap(\.tableScanNeeds))
        let app = state.appReady ? state.appAddress : nil
        let masterKey = state.masterKey?.bytes
        // All at once (within reason): with only as many slots as cores, two long checks can
        // end up one after the other; started together, the server shares the cores and the
        // phase takes about their total CPU time divided by the cores.
        let width = max(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
        // A check that writes (a test order) would change what the others count: it waits for them.
        let writing = Set(specs.indices.filter { makeCheck(specs[$0])?.writes ?? false })
        let reading = specs.indices.filter { !writing.contains($0) }
        await withTaskGroup(of: (Int, CheckRecord).self) { group in
            var next = 0
            func startNext() {
                let index = reading[next], start = results[index]
                group.addTask { (index, await self.runCheck(specs[index], start, parameters: parameters, manifest: manifest,
                                                            sharedScans: sharedScans, app: app, masterKey: masterKey)) }
                next += 1
            }
            while next < min(width, reading.count) { startNext() }
            for await (index, result) in group {
                results[index] = result
                observer.checkFinished(result)
                if next < reading.count { startNext() }
            }
        }
        for index in writing.sorted() {
            results[index] = await runCheck(specs[index], results[index], parameters: parameters, manifest: manifest,
                                            sharedScans: sharedScans, app: app, masterKey: masterKey)
            observer.checkFinished(results[index])
        }
        record.checks = results
        if interruption.current == nil, !Task.isCancelled { state.rtoEnd = ContinuousClock.now }
    }

    private func runCheck(_ spec: CheckSpec, _ start: CheckRecord, parameters: ConnectionParameters?, manifest: Manifest?,
                          sharedScans: SharedTableScans, app: AppAddress?, masterKey: [UInt8]?) async -> CheckRecord {
        var result = start
        if let reason = interruption.current {
            result.message = "skipped: interrupted by \(reason)"
            return result
        }
        guard let check = makeCheck(spec), let parameters else {
            result.verdict = .error
            result.message = "could not run: no check of this kind, or no restored database to run it on"
            return result
        }
        let clock = ContinuousClock.now
        let outcome: CheckOutcome
        do {
            let connection = try await PostgresConnection.connect(parameters)
            outcome = await check.run(in: CheckContext(connection: connection, manifest: manifest, secrets: secrets,
                                                       sharedScans: sharedScans, app: app, masterKey: masterKey))
            connection.close()
        } catch {
            outcome = CheckOutcome(verdict: .error, message: "could not connect to the restored database: \(error)")
        }
        result.durationSeconds = (ContinuousClock.now - clock).seconds
        result.verdict = outcome.verdict
        result.message = secrets.redact(outcome.message)
        if let reason = interruption.current, outcome.verdict == .error {
            result.message = "interrupted by \(reason): " + (result.message ?? "")
        }
        result.observations = outcome.observations.map {
            Observation(subject: $0.subject, expected: secrets.redact($0.expected), actual: secrets.redact($0.actual), ok: $0.ok)
        }
        result.queries = outcome.queries.map(secrets.redact)
        return result
    }

    private func tearDown(_ state: inout State, _ record: inout DrillRecord) async {
        observer.stepStarted(id: "teardown", title: "Tear down the throwaway target")
        let clock = ContinuousClock.now
        state.connection?.close()
        state.connection = nil
        let trigger = interruption.current ?? (record.steps.contains { $0.verdict == .error || $0.verdict == .fail } ? "after a failed step" : "completed")
        var teardown = TeardownRecord(verdict: .pass, trigger: trigger)
        if let app = state.app {
            await app.stop()
            teardown.actions.append("app stopped (\(app.exit ?? "still running"))")
            keepAppLog(app.lastLines, in: &record)
            state.app = nil
        }
        if let file = state.masterKey?.file {
            do {
                try FileManager.default.removeItem(atPath: file)
                teardown.actions.append("master key file removed")
            } catch {
                teardown.leftovers.append("the master key file \(file) could not be removed: \(error)")
            }
        }
        if let compose = state.compose {
            await tearDownCompose(compose, app: state.composeApp, &teardown, &record)
            state.composeApp = nil
        }
        if let cluster = state.cluster {
            let outcome = await cluster.tearDown()
            teardown.actions += outcome.actions
            teardown.leftovers += outcome.leftovers
        } else if state.compose == nil {
            teardown.actions.append("no throwaway target was created")
        }
        teardown.verdict = teardown.leftovers.isEmpty ? .pass : .error
        teardown.durationSeconds = (ContinuousClock.now - clock).seconds
        record.teardown = teardown
        let step = StepRecord(id: "teardown", title: "Tear down the throwaway target", verdict: teardown.verdict,
                              durationSeconds: teardown.durationSeconds,
                              message: teardown.leftovers.isEmpty ? (state.compose == nil ? "server stopped, folder removed" : "project down, nothing labelled with this run remains")
                                                                   : "left behind: " + teardown.leftovers.joined(separator: "; "),
                              evidence: teardown.actions)
        observer.stepFinished(step)
    }

    private func judgeObjectives(_ state: State, _ record: inout DrillRecord) {
        let objectives = scenario.objectives
        if let start = state.rtoStart, let end = state.rtoEnd {
            let seconds = (end - start).seconds
            record.rto = ObjectiveRecord(name: "RTO", targetSeconds: objectives.rtoSeconds, measuredSeconds: seconds,
                                         verdict: seconds <= objectives.rtoSeconds ? .pass : .fail,
                                         basis: "monotonic clock from the start of target creation to the end of the last check")
        } else {
            record.rto = ObjectiveRecord(name: "RTO", targetSeconds: objectives.rtoSeconds, measuredSeconds: nil, verdict: .skipped,
                                         basis: "not measured: the drill did not reach the end of its checks")
        }
        if let recovered = pitrRPO(state, record) {
            record.rpo = recovered
        } else if let created = record.backup?.createdAt {
            let seconds = record.startedAt.timeIntervalSince(created)
            record.rpo = ObjectiveRecord(name: "RPO", targetSeconds: objectives.rpoSeconds, measuredSeconds: seconds,
                                         verdict: seconds <= objectives.rpoSeconds ? .pass : .fail,
                                         basis: "drill start minus the dump's creation time (\(record.backup?.createdAtSource ?? "?"))")
        } else {
            record.rpo = ObjectiveRecord(name: "RPO", targetSeconds: objectives.rpoSeconds, measuredSeconds: nil, verdict: .skipped,
                                         basis: "not measured: the dump's creation time is unknown")
        }
    }

    // MARK: - Helpers

    static func peakResidentMemory() -> Int64? {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
        return Int64(usage.ru_maxrss) * 1024  // Linux reports KiB
    }

    static func size(of path: String) -> Int64 {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !isDirectory.boolValue {
            return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { $0 + size(of: path + "/" + $1) }
    }

    /// The manifest's UTC time when the manifest is bound to this exact dump by its sha256;
    /// else the archive header (local time without zone, see ArchiveHeader); else plain
    /// pg_dump's `Started on`; else the file's modification time, the weakest evidence.
    /// The app's own last words are evidence of its boot: kept with its step, redacted.
    func keepAppLog(_ lines: [String], in record: inout DrillRecord) {
        guard let index = record.steps.firstIndex(where: { $0.id == "app" }) else { return }
        record.steps[index].evidence += lines.suffix(Self.appLogEvidenceLines).map { "log: " + secrets.redact($0) }
    }

    /// This host's PostgreSQL programs, for a local target; not finding them is a finding.
    func locateLocalBinaries() throws -> PostgresBinaries {
        do {
            return try PostgresBinaries.locate(configured: scenario.environment.local.postgresBin)
        } catch {
            throw StepFailure(finding: RestoreFindings.toolMissing("\(error)"))
        }
    }

    /// Lists the archive with the pg_restore of `tools` and records which one; a listing
    /// problem (a truncated archive, a format too new) is a finding.
    func listArchive(_ inspection: ArchiveInspection, with tools: any RestoreTools,
                     _ record: inout DrillRecord) async throws -> (ArchiveInspection, pgRestoreVersion: String) {
        guard let version = await tools.pgRestoreVersion() else {
            throw StepFailure(finding: RestoreFindings.toolMissing("pg_restore --version did not answer in \(tools.place)"))
        }
        record.environment?.restoreToolVersion = "pg_restore \(version) (\(tools.place))"
        switch try await ArchiveInspector.list(inspection, tools: tools, pgRestoreVersion: version) {
        case .success(let listed): return (listed, version)
        case .failure(let finding): throw StepFailure(finding: finding)
        }
    }

    static func readManifest(_ path: String) throws -> Manifest {
        do {
            return try JSONDecoder.drill.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw StepFailure(.error, "cannot read the manifest \(path): \(error.localizedDescription). "
                + "Write it with `restore-drill manifest` when the backup is taken.")
        }
    }

    static func creationTime(inspection: ArchiveInspection, manifest: Manifest?, path: String) -> (Date?, String?) {
        if let manifest, manifest.dump != nil {
            return (manifest.takenAt, "manifest taken_at, bound to this dump by sha256")
        }
        if let created = inspection.header?.createdAt {
            return (created, "archive header (read in time zone \(TimeZone.current.identifier))")
        }
        if let started = inspection.plainStartedAt { return (started, "plain dump `Started on` line") }
        if let manifest { return (manifest.takenAt, "manifest taken_at (not bound to the dump by hash)") }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        return (modified, modified == nil ? nil : "file modification time (the dump records no creation time)")
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
