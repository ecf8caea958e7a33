import Foundation

/// Finds the dump, measures and hashes it, binds it to its manifest, and reads what it says of
/// itself, all before anything is created.
struct PrepareDumpStep: DrillStep {
    let id = StepID.prepare
    let title = "Find, measure and inspect the backup"
    let spec: DumpSpec

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        var evidence: [String] = []
        let path: String
        do {
            path = try DumpLocator.locate(spec)
        } catch {
            throw StepFailure(finding: RestoreFindings.dumpMissing("\(error)"))
        }
        // The record holds what is known so far at every throw, so a failure still names the file.
        var identity = BackupIdentity(path: path)
        record.backup = identity

        let (size, hash) = try BackupFacts.measure(path, minimum: spec.minSizeBytes, sha256File: spec.sha256File, &identity, &record)

        if let manifestPath = drill.scenario.backup.manifest {
            evidence.append(try BackupFacts.bindManifest(manifestPath, to: hash, noun: "dump", &state, &identity, &record))
        }
        record.backup = identity

        let inspection: ArchiveInspection
        switch ArchiveInspector.inspectFile(path: path, declared: spec.format) {
        case .success(let value): inspection = value
        case .failure(let finding): throw StepFailure(finding: finding)
        }
        var backup = PreparedBackup.dump(PreparedDump(spec: spec, path: path, sha256: hash, inspection: inspection))
        try await drill.target.prepare(&backup, &record)
        state.backup = backup
        guard case .dump(let dump) = backup else { throw StepFailure(.error, "the target changed what the backup is") }
        let listed = dump.inspection
        identity.format = listed.format.rawValue
        identity.archiveVersion = listed.header?.formatVersion
        identity.compression = listed.header?.compression
        identity.sourceDatabase = listed.header?.databaseName
        identity.sourceServerVersion = listed.serverVersion
        identity.pgDumpVersion = listed.pgDumpVersion
        identity.tocEntries = listed.tocEntries
        (identity.createdAt, identity.createdAtSource) = BackupFacts.creationTime(inspection: listed, manifest: state.manifest, path: path)
        state.dataCutoff = identity.createdAt.map { ($0, "the dump's creation time (\(identity.createdAtSource ?? "?"))") }
        record.backup = identity

        evidence.append("dump \(path)")
        evidence.append("format \(listed.format.rawValue), \(SizeText.format(size)), sha256 \(hash)")
        if let tocEntries = listed.tocEntries { evidence.append("table of contents: \(tocEntries) entries") }
        if let created = identity.createdAt {
            evidence.append("created at \(ISO8601.string(from: created, fractional: false)) (\(identity.createdAtSource ?? "?"))")
        }
        let versions = [listed.serverVersion.map { "server \($0)" }, listed.pgDumpVersion.map { "pg_dump \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        return StepResult("\(listed.format.rawValue) dump, \(SizeText.format(size))" + (versions.isEmpty ? "" : ", from \(versions)")
                          + (spec.sha256File != nil ? ", sha256 verified" : ""), evidence)
    }
}
