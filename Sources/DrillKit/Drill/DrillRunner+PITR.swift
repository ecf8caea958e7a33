import Foundation

/// A point-in-time recovery drill: base backup + WAL archive recovered to a target on a local
/// throwaway, with the same checks, reports and teardown as a dump drill, and an RPO measured
/// from what recovery actually replayed.
extension DrillRunner {
    static let unassertedRecovery = "recovery reached the target and nothing checked what the database then held"

    /// Seed 003's two-sided proof: one check that something written before the target is
    /// there, one that something written after it is not.
    var pitrAssertionsProblem: String? {
        guard case .pitr = scenario.backup.source else { return nil }
        let asserted = Set(scenario.checks.compactMap { check -> PITRAssertion? in
            if case .sql(let settings) = check.kind { return settings.asserts }
            return nil
        })
        let missing = PITRAssertion.allCases.filter { !asserted.contains($0) }
        guard !missing.isEmpty else { return nil }
        return Self.unassertedRecovery + ": add a sql check with " + missing.map { "asserts: \($0.rawValue)" }.joined(separator: " and ")
    }

    func preparePITR(_ spec: PITRSpec, _ state: inout State, _ record: inout DrillRecord) async throws -> (message: String, evidence: [String]) {
        var identity = BackupIdentity(path: spec.base)
        identity.sizeBytes = Self.size(of: spec.base)
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
        if let manifestPath = scenario.backup.manifest {
            let manifest = try Self.readManifest(manifestPath)
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
        // A compose drill recovers with the database container's own PostgreSQL.
        if scenario.environment.kind == .local {
            state.binaries = try locateLocalBinaries()
        }
        state.recovery = RecoverySetup(base: base, archive: archive, target: spec.target)
        let target = Self.describe(spec.target)
        return ("\(identity.format ?? "base backup"), \(SizeText.format(identity.sizeBytes ?? 0)); \(archive.segments.count) archived WAL segments up to \(newest); target \(target)", [
            "base backup \(spec.base), started \(base.startTime.map { ISO8601.string(from: $0, fractional: false) } ?? "?") at WAL \(base.startWALFile)",
            "WAL archive \(spec.walArchive) (read only): \(archive.count(from: base.startWALFile)) segments from the backup's start, newest \(newest)",
            "recovery target: \(target)",
        ] + evidence)
    }

    static func describe(_ target: RecoveryTarget) -> String {
        switch target {
        case .time(let date): ISO8601.string(from: date, fractional: true)
        case .latest: "latest (the end of the archive)"
        }
    }

    func createRecoveryTarget(_ setup: RecoverySetup, _ state: inout State) async throws -> (message: String, evidence: [String]) {
        guard let binaries = state.binaries else { throw StepFailure(.error, "no PostgreSQL programs located") }
        state.rtoStart = ContinuousClock.now
        let cluster = try await LocalCluster.createForRecovery(.init(runId: runId, scenario: scenario.name, superuser: scenario.environment.database.user,
                                                                    binaries: binaries), setup: setup)
        state.cluster = cluster
        return ("base backup unpacked into \(cluster.dataDirectory), set to recover and promote at the target", [
            "folder \(cluster.directory) (0700" + (cluster.runAs.map { ", owned by \($0.name)" } ?? "") + ")",
            "unix socket in that folder only (no TCP); archive_mode off, so the recovered server never writes to the archive",
            "restore_command reads \(setup.archive.path); recovery.signal written",
        ])
    }

    func recoverToTarget(_ setup: RecoverySetup, _ state: inout State, _ record: inout DrillRecord) async throws -> (message: String, evidence: [String]) {
        let database = scenario.environment.database.name
        let target = Self.describe(setup.target)
        let outcome: RecoveryOutcome
        do {
            if let cluster = state.cluster {
                outcome = try await cluster.recover(setup)
            } else if let compose = state.compose {
                outcome = try await compose.recover(setup)
            } else {
                throw StepFailure(.error, "no throwaway target to recover")
            }
        } catch let failure as RecoveryFailure {
            switch failure {
            case .targetUnreached(let last, let detail):
                throw StepFailure(finding: RestoreFindings.pitrTargetUnreached(target: target, lastSegment: last, detail: detail))
            case .segmentMissing(let segment, let later, let detail):
                throw StepFailure(finding: RestoreFindings.walSegmentMissing(segment: segment, laterSegments: later, detail: detail))
            case .targetBeforeConsistency(let detail):
                throw StepFailure(.error, "the target \(target) is before the base backup reached consistency: pick a later target_time. \(detail)")
            case .serverStopped(let detail):
                throw StepFailure(.error, "the recovering server stopped: \(detail)")
            }
        }
        state.recoveryOutcome = outcome
        guard let parameters = state.connectionParameters(database: database) else { throw StepFailure(.error, "no address for the recovered database") }
        let connection = try await PostgresConnection.connect(parameters)
        state.connection = connection
        let version = try await connection.query("SHOW server_version").scalar ?? "?"
        record.environment?.serverVersion = "PostgreSQL \(version)"
        let last = outcome.lastTransaction.map { ISO8601.string(from: $0) } ?? "none replayed"
        return ("recovered to \(target): \(CheckWording.count(Int64(outcome.segmentsReplayed), "WAL segment")) replayed in "
                + "\(DurationText.format(outcome.replaySeconds)), last transaction \(last); promoted", [
            "WAL segments replayed: \(outcome.segmentsReplayed), the last \(outcome.lastRestoredSegment ?? "?")",
            "replay took \(DurationText.format(outcome.replaySeconds)) (server start to promotion)",
            outcome.stopLine.map { "PostgreSQL: \($0)" } ?? "PostgreSQL replayed to the end of the archive",
            "last transaction replayed: \(last) (pg_last_xact_replay_timestamp)",
        ])
    }

    /// RPO of a recovery: the target (the simulated failure; for `latest`, the drill's start)
    /// minus the last transaction recovery applied.
    func pitrRPO(_ state: State, _ record: DrillRecord) -> ObjectiveRecord? {
        guard case .pitr(let spec) = scenario.backup.source else { return nil }
        let objective = scenario.objectives.rpoSeconds
        let age = record.backup?.createdAt.map { "base backup taken \(ISO8601.string(from: $0, fractional: false)), \(DurationText.format(record.startedAt.timeIntervalSince($0))) before the drill" }
            ?? "base backup start unknown"
        guard let last = state.recoveryOutcome?.lastTransaction else {
            return ObjectiveRecord(name: "RPO", targetSeconds: objective, measuredSeconds: nil, verdict: .skipped,
                                   basis: "not measured: recovery did not finish, or replayed no transaction; \(age)")
        }
        let failure: Date
        switch spec.target {
        case .time(let date): failure = date
        case .latest: failure = record.startedAt
        }
        let seconds = max(0, failure.timeIntervalSince(last))
        return ObjectiveRecord(name: "RPO", targetSeconds: objective, measuredSeconds: seconds, verdict: seconds <= objective ? .pass : .fail,
                               basis: "the recovery target (the simulated failure"
                                   + (spec.target == .latest ? ": the drill's start" : "") + ") minus the last transaction recovered "
                                   + "(pg_last_xact_replay_timestamp); \(age)")
    }
}
