/// Boots the application on the restored database and waits until it is healthy. With
/// `app.migrations`, the migrations table is read before the boot and after it; with
/// `app.version`, the version the app reports is read once it is up (the check phase judges both).
struct AppStep: DrillStep {
    let id = StepID.app
    let title = "Boot the application and wait until it is healthy"
    let spec: AppSpec

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        let watchesStart = drill.scenario.upgrade == nil && (spec.migrations != nil || spec.version != nil)
        var start = AppStartRecord()
        if watchesStart, let table = spec.migrations { start.before = try await migrations(table, drill, when: "before the boot") ?? [] }
        let app = try await drill.target.bootApp(spec, key: state.masterKey)
        state.appAddress = app.address
        state.appReady = true
        var evidence = app.evidence
        guard watchesStart else { return StepResult(app.message, evidence) }
        if let table = spec.migrations {
            if let after = try await migrations(table, drill, when: "after the boot") {
                start.applied = MigrationHistory.applied(before: start.before, after: after)
                start.previousHead = MigrationHistory.replacedHead(before: start.before, after: after)
                evidence.append("applied at start-up: " + ((start.applied ?? []).isEmpty ? "none" : (start.applied ?? []).joined(separator: ", ")))
            } else {
                // Not there even after the app started: a misspelt name, never "nothing applied".
                start.migrationsProblem = "the migrations table \(table.table) does not exist, even after the app started: check app.migrations.table"
            }
        }
        if let version = spec.version {
            do {
                start.version = try await UpgradeFiguresReader.version(version, at: app.address)
                evidence.append("version \(start.version ?? "?")")
            } catch let failure as StepFailure {
                start.versionProblem = failure.message
            } catch {
                start.versionProblem = "the version could not be asked for: \(error)"
                start.versionUnreachable = true
            }
        }
        state.appStart = start
        record.appStart = start
        return StepResult(app.message + (start.version.map { "; version \($0)" } ?? ""), evidence)
    }

    /// The table's entries; nil where the table does not exist (before the boot: an app that
    /// creates it at its first start).
    private func migrations(_ table: MigrationsTable, _ drill: DrillContext, when: String) async throws -> [String]? {
        guard let parameters = drill.target.connectionParameters(database: drill.scenario.environment.database.name) else {
            throw StepFailure(.error, "no restored database to read the migrations table from")
        }
        do {
            let connection = try await PostgresConnection.connect(parameters)
            defer { connection.close() }
            let exists = try await connection.query("SELECT to_regclass($1) IS NOT NULL", [table.table]).scalar == "t"
            return exists ? try await UpgradeFiguresReader.migrations(table, on: connection) : nil
        } catch {
            throw StepFailure(.error, "could not read the migrations table \(table.table) \(when): \(error)")
        }
    }
}
