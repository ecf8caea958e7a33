import Foundation

/// The scenario's checks on the restored database, side by side, each on its own connection:
/// they are independent read-only queries, and on a big restore they are most of what follows
/// the restore.
struct ScenarioChecks: CheckPhase {
    func pending(_ drill: DrillContext) -> [CheckRecord] {
        drill.scenario.checks.map { spec in
            CheckRecord(id: spec.path, kind: spec.kind.key, name: makeCheck(spec)?.displayName ?? spec.kind.key,
                        verdict: .skipped, line: spec.location.line)
        }
    }

    func run(_ drill: DrillContext, _ state: DrillState, _ pending: [CheckRecord]) async -> CheckPhaseResult {
        let specs = drill.scenario.checks
        var results = pending
        // Every secret a check reads is known to the redaction before any check runs: one that
        // prints it (a command, an app answer) may end before the check that reads it starts.
        for reference in drill.scenario.runnableChecks.flatMap(\.secretsRead) { _ = try? drill.secrets.value(of: reference) }
        let store = drill.target.restoredStore(drill.scenario.environment.database)
        // Beside the read-only checks and before any that writes: those may add to the catalog
        // (amcheck's extension), and the record keeps the structure the restore produced.
        let schema = Task { await Self.readSchema(store) }
        // One pass per table serves several checks on PostgreSQL (grouping sets); on SQLite each check reads its own.
        let needs = store.map { if case .postgresql = $0 { true } else { false } } ?? false
            ? drill.scenario.runnableChecks.flatMap(\.tableScanNeeds) : []
        let context = Inputs(store: store,
                             manifest: state.manifest,
                             sharedScans: SharedTableScans(needs: needs),
                             app: state.appReady ? state.appAddress : nil, masterKey: state.masterKey?.bytes,
                             dataCutoff: state.dataCutoff,
                             pastDrills: drill.scenario.runnableChecks.contains(where: \.readsPastDrills)
                                 ? PastDrills.read(drill.scenario.report.directory, scenario: drill.scenario.name, excludingRun: drill.runId)
                                 : .none(in: drill.scenario.report.directory),
                             restoredSchema: schema)
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
                group.addTask { (index, await Self.runCheck(specs[index], start, context, drill)) }
                next += 1
            }
            while next < min(width, reading.count) { startNext() }
            for await (index, result) in group {
                results[index] = result
                drill.observer.checkFinished(result)
                if next < reading.count { startNext() }
            }
        }
        _ = await schema.value
        for index in writing.sorted() {
            results[index] = await Self.runCheck(specs[index], results[index], context, drill)
            drill.observer.checkFinished(results[index])
        }
        return CheckPhaseResult(checks: results, schema: try? await schema.value.get())
    }

    /// The restored catalog's fingerprint, or why it could not be read (a schema check says so).
    private static func readSchema(_ store: RestoredStore?) async -> Result<SchemaFingerprint, SchemaReadFailure> {
        guard let store else { return .failure(SchemaReadFailure(description: "no restored database to read")) }
        guard case .postgresql(let parameters) = store else {
            return .failure(SchemaReadFailure(description: "a SQLite store has no PostgreSQL catalog to fingerprint"))
        }
        do {
            let connection = try await PostgresConnection.connect(parameters)
            defer { connection.close() }
            return .success(try await SchemaFingerprintReader.read(connection))
        } catch {
            return .failure(SchemaReadFailure(description: "\(error)"))
        }
    }

    /// What every check of this drill runs with.
    private struct Inputs: Sendable {
        var store: RestoredStore?
        var manifest: Manifest?
        var sharedScans: SharedTableScans
        var app: AppAddress?
        var masterKey: [UInt8]?
        var dataCutoff: (at: Date, basis: String)?
        var pastDrills: PastDrills
        var restoredSchema: Task<Result<SchemaFingerprint, SchemaReadFailure>, Never>
    }

    private static func runCheck(_ spec: CheckSpec, _ start: CheckRecord, _ inputs: Inputs, _ drill: DrillContext) async -> CheckRecord {
        var result = start
        let secrets = drill.secrets
        if let reason = drill.interruption.current {
            result.message = "skipped: interrupted by \(reason)"
            return result
        }
        guard let check = makeCheck(spec), let store = inputs.store else {
            result.verdict = .error
            result.message = "could not run: no check of this kind, or no restored database to run it on"
            return result
        }
        let clock = ContinuousClock.now
        let outcome: CheckOutcome
        do {
            let connection = try await store.connect()
            var context = CheckContext(connection: connection, manifest: inputs.manifest, secrets: secrets,
                                       sharedScans: inputs.sharedScans, app: inputs.app, masterKey: inputs.masterKey)
            context.commands = drill.target
            context.dataCutoff = inputs.dataCutoff
            context.pastDrills = inputs.pastDrills
            if check.readsRestoredSchema { context.restoredSchema = await inputs.restoredSchema.value }
            outcome = await check.run(in: context)
            connection.close()
        } catch {
            outcome = CheckOutcome(verdict: .error, message: "could not connect to the restored database: \(error)")
        }
        result.durationSeconds = (ContinuousClock.now - clock).seconds
        result.verdict = outcome.verdict
        result.message = secrets.redact(outcome.message)
        if let reason = drill.interruption.current, outcome.verdict == .error {
            result.message = "interrupted by \(reason): " + (result.message ?? "")
        }
        result.observations = outcome.observations.map {
            Observation(subject: $0.subject, expected: secrets.redact($0.expected), actual: secrets.redact($0.actual), ok: $0.ok)
        }
        result.queries = outcome.queries.map(secrets.redact)
        result.dataAsOf = outcome.dataAsOf
        result.measurements = outcome.measurements
        result.nothingToCompare = outcome.nothingToCompare ? true : nil
        return result
    }
}
