/// Lists a dump with the pg_restore that will restore it, wherever that runs.
enum ArchiveListing {
    /// Records which pg_restore listed it; a listing problem (a truncated archive, a format
    /// too new) is a finding.
    static func list(_ inspection: ArchiveInspection, with tools: any RestoreTools,
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
}
