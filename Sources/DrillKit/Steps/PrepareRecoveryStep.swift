import Foundation

/// Point-in-time recovery: finds the base backup and the WAL archive (read only), and refuses a
/// target recovery cannot reach, before anything is created.
struct PrepareRecoveryStep: DrillStep {
    let id = StepID.prepare
    let title = "Find, measure and inspect the backup"
    let spec: PITRSpec

    /// A plain base backup with its `backup_manifest` is checked file by file against it
    /// (`pg_verifybackup`) before anything recovers; the archive is checked by the recovery itself.
    static func verifyManifest(_ base: BaseBackup, with binaries: PostgresBinaries?) async throws -> String {
        guard case .plainFolder(let folder) = base.layout else {
            return "backup_manifest not verified: pg_verifybackup reads plain base backups only, and this one is tar files"
        }
        guard FileManager.default.fileExists(atPath: folder + "/backup_manifest") else {
            return "no backup_manifest in the base backup: its files were not verified against one"
        }
        guard let binaries, FileManager.default.isExecutableFile(atPath: binaries.directory + "/pg_verifybackup") else {
            return "backup_manifest not verified: pg_verifybackup is not installed on this host"
        }
        let output = try await CommandRunner.run(Command(binaries.directory + "/pg_verifybackup", ["--no-parse-wal", "--quiet", folder]))
        guard output.succeeded else {
            let words = output.errorTail(lines: 10)
            // A manifest this pg_verifybackup cannot read (a newer version's) says nothing of the files.
            if words.contains("could not parse backup manifest") || words.contains("manifest") && words.contains("version") {
                throw StepFailure(.error, "pg_verifybackup of \(binaries.directory) could not read the base backup's backup_manifest: \(words); "
                                  + "point environment.local.postgres_bin at the PostgreSQL that took the backup")
            }
            throw StepFailure(finding: RestoreFindings.baseBackupDamaged(words))
        }
        return "backup_manifest verified by pg_verifybackup: every file there, with the size and checksum it recorded"
    }

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        var identity = BackupIdentity(path: spec.base)
        identity.sizeBytes = BackupFacts.size(of: spec.base)
        identity.sha256Status = "not computed (a base backup is checked by recovering it)"
        record.backup = identity
        let base: BaseBackup
        do {
            base = try await BaseBackup.locate(spec.base)
        } catch {
            throw StepFailure(finding: RestoreFindings.baseBackupMissing("\(error)"))
        }
        let archive: WALArchive
        do {
            archive = try WALArchive(path: spec.walArchive)
        } catch {
            throw StepFailure(finding: RestoreFindings.walArchiveMissing("cannot read \(spec.walArchive): \(error.localizedDescription)"))
        }
        guard let newest = archive.segments.last else {
            throw StepFailure(finding: RestoreFindings.walArchiveMissing("\(spec.walArchive) holds no WAL segment"))
        }
        switch base.layout {
        case .plainFolder: identity.format = "base backup (plain folder)"
        case .tarFiles(_, let wal): identity.format = "base backup (pg_basebackup -Ft" + (wal == nil ? ")" : ", with pg_wal.tar)")
        }
        identity.createdAt = base.startTime
        identity.createdAtSource = "backup_label START TIME"
        var evidence: [String] = []
        // What production reported at the target, for the checks that compare with it.
        if let manifestPath = drill.scenario.backup.manifest {
            let manifest = try BackupFacts.readManifest(manifestPath)
            state.manifest = manifest
            identity.manifestPath = manifestPath
            identity.manifestTakenAt = manifest.takenAt
            evidence.append("manifest taken at \(ISO8601.string(from: manifest.takenAt)) from PostgreSQL \(manifest.serverVersion)")
        }
        record.backup = identity
        if case .time(let target) = spec.target, let started = base.startTime, target < started {
            throw StepFailure(.error, "the target \(ISO8601.string(from: target, fractional: false)) is before the base backup started "
                              + "(\(ISO8601.string(from: started, fractional: false))): recovery cannot go back past its base backup; "
                              + "pick a later target_time or an older base backup")
        }
        var backup = PreparedBackup.recovery(RecoverySetup(base: base, archive: archive, target: spec.target))
        try await drill.target.prepare(&backup, &record)
        evidence.append(try await Self.verifyManifest(base, with: drill.target.hostPostgresPrograms))
        state.backup = backup
        let target = BackupFacts.describe(spec.target)
        return StepResult("\(identity.format ?? "base backup"), \(SizeText.format(identity.sizeBytes ?? 0)); \(archive.segments.count) archived WAL segments up to \(newest); target \(target)", [
            "base backup \(spec.base), started \(base.startTime.map { ISO8601.string(from: $0, fractional: false) } ?? "?") at WAL \(base.startWALFile)",
            "WAL archive \(spec.walArchive) (read only): \(archive.count(from: base.startWALFile)) segments from the backup's start, newest \(newest)",
            "recovery target: \(target)",
        ] + evidence)
    }
}
