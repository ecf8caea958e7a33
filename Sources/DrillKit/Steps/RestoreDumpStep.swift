/// Restores the dump into the throwaway database with the target's tools and judges the result.
struct RestoreDumpStep: DrillStep {
    let id = StepID.restore
    let title = "Restore the dump"

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        guard case .dump(var dump)? = state.backup, let connection = state.connection as? PostgresConnection else {
            throw StepFailure(.error, "nothing to restore")
        }
        let ready = try await drill.target.restoreTools(for: dump, &record)
        dump.inspection = ready.inspection
        state.backup = .dump(dump)
        let extensions = try await Self.checkExtensions(ready.inspection.extensions, on: connection)
        let restorer = Restorer(inspection: ready.inspection, jobs: dump.spec.jobs.resolved, database: drill.scenario.environment.database.name,
                                tools: ready.tools, secrets: drill.secrets)
        let observer = drill.observer
        let outcome = try await restorer.run(connection: connection) { done, total in
            observer.progress(stepId: .restore, text: total.map { "\(done)/\($0) items" } ?? "\(done) items")
        }
        guard outcome.verdict == .pass else { throw StepFailure(outcome.verdict, outcome.message, findings: outcome.findings) }
        return StepResult(outcome.message, ready.evidence + extensions + outcome.evidence)
    }

    /// The extensions the dump needs, against what the throwaway's server offers, before
    /// anything restores: a missing one is named with what provides it, instead of surfacing
    /// as hundreds of restore errors.
    static func checkExtensions(_ required: [String]?, on connection: PostgresConnection) async throws -> [String] {
        guard let required, !required.isEmpty else { return [] }
        let available = Set(try await connection.query("SELECT name FROM pg_available_extensions").rows.compactMap { $0[0] })
        let missing = required.filter { !available.contains($0) }
        guard missing.isEmpty else {
            let version = try await connection.query("SHOW server_version").scalar ?? "?"
            throw StepFailure(finding: RestoreFindings.extensionMissing(missing, serverVersion: version.split(separator: " ").first.map(String.init) ?? version))
        }
        return ["extensions the dump needs: \(required.joined(separator: ", ")) (all offered by the server)"]
    }
}
