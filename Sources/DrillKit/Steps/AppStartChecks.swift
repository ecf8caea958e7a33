/// The scenario's checks, then what the app did as it started (NestFleet's shape: it
/// migrates itself and reports its version in health). On a drill of the version production
/// runs, a boot that applied migrations means the backup is older than that version: a real
/// restore would migrate production's data on the way up, and the drill says so.
struct AppStartChecks: CheckPhase {
    let spec: AppSpec
    let scenarioChecks = ScenarioChecks()

    static let migrationsID = "app.migrations"
    static let versionID = "app.version"

    func pending(_ drill: DrillContext) -> [CheckRecord] {
        var records = scenarioChecks.pending(drill)
        if let table = spec.migrations {
            records.append(CheckRecord(id: Self.migrationsID, kind: "app_migrations", name: "the app applied no migration to \(table.table) as it started",
                                       verdict: .skipped))
        }
        if let version = spec.version {
            records.append(CheckRecord(id: Self.versionID, kind: "app_version", name: "the app reports version \(version.to ?? "?")", verdict: .skipped))
        }
        return records
    }

    func run(_ drill: DrillContext, _ state: DrillState, _ pending: [CheckRecord]) async -> CheckPhaseResult {
        let count = drill.scenario.checks.count
        var result = await scenarioChecks.run(drill, state, Array(pending.prefix(count)))
        for var record in pending.dropFirst(count) {
            (record.verdict, record.message) = record.id == Self.migrationsID ? migrationsVerdict(state.appStart) : versionVerdict(state.appStart)
            drill.observer.checkFinished(record)
            result.checks.append(record)
        }
        return result
    }

    private func migrationsVerdict(_ start: AppStartRecord?) -> (Verdict, String) {
        guard let applied = start?.applied else {
            return (.error, start?.migrationsProblem ?? "could not compare: the migrations table was not read before and after the boot")
        }
        guard !applied.isEmpty else {
            return (.pass, "the app applied no migration as it started: the backup is at the schema this version expects "
                    + "(\(CheckWording.count(Int64(start?.before?.count ?? 0), "entry", "entries")) in its migrations table)")
        }
        return (.fail, "the app applied \(MigrationHistory.described(applied: applied, previousHead: start?.previousHead)) as it started "
                + "(\(applied.prefix(5).joined(separator: ", "))\(applied.count > 5 ? ", …" : "")): the backup is older than the version that runs now. "
                + "A real restore would migrate production's data on the way up; rehearse that with an upgrade gate (upgrade:)")
    }

    private func versionVerdict(_ start: AppStartRecord?) -> (Verdict, String) {
        guard let expected = spec.version?.to else { return (.error, "no version to expect") }
        guard let start, let reported = start.version else {
            // No answer is a check that could not run; a wrong or missing version is a finding.
            guard let problem = start?.versionProblem, start?.versionUnreachable != true else {
                return (.error, start?.versionProblem ?? "the version was not read: the app did not come up")
            }
            return (.fail, problem)
        }
        guard reported == expected else {
            return (.fail, "the app reports version \(reported), expected \(expected): the version the scenario drills is not the one that ran")
        }
        return (.pass, "the app reports version \(reported)")
    }
}
