import Foundation

/// What the prepare steps read off a backup before anything restores it.
enum BackupFacts {
    /// Bytes on disk: a file, or a folder's files (a directory-format dump, a base backup).
    static func size(of path: String) -> Int64 {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !isDirectory.boolValue {
            return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { $0 + size(of: path + "/" + $1) }
    }

    /// The backup's size (refused under `minimum`) and SHA-256 (against `sha256_file`), each
    /// in the record as soon as it is known, so a failure still names what was found.
    static func measure(_ path: String, minimum: Int64, sha256File: String?, _ identity: inout BackupIdentity,
                        _ record: inout DrillRecord) throws -> (size: Int64, sha256: String) {
        let size = size(of: path)
        identity.sizeBytes = size
        record.backup = identity
        if size < minimum {
            throw StepFailure(finding: RestoreFindings.dumpTooSmall(size: size, minimum: minimum))
        }
        let (hash, _) = try FileDigest.sha256(path: path)
        try Task.checkCancellation()
        identity.sha256 = hash
        identity.sha256Status = try compare(hash, with: sha256File, identity: &identity, record: &record)
        record.backup = identity
        return (size, hash)
    }

    /// The backup's SHA-256 against its `sha256_file`: the status the record shows, or the finding.
    static func compare(_ hash: String, with checksumFile: String?, identity: inout BackupIdentity,
                        record: inout DrillRecord) throws -> String {
        guard let checksumFile else { return "computed (no sha256_file to compare with)" }
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
        return "matches \(checksumFile)"
    }

    /// The manifest read and bound to the backup by its SHA-256 (when it recorded one): a
    /// manifest of another backup is refused before anything restores. Returns the evidence line.
    static func bindManifest(_ path: String, to hash: String, noun: String, _ state: inout DrillState,
                             _ identity: inout BackupIdentity, _ record: inout DrillRecord) throws -> String {
        let manifest = try readManifest(path)
        if let fingerprint = manifest.dump, fingerprint.sha256 != hash {
            identity.sha256Status = (identity.sha256Status ?? "") + "; differs from the manifest's"
            record.backup = identity
            throw StepFailure(finding: RestoreFindings.manifestDumpMismatch(manifestHash: fingerprint.sha256, dumpHash: hash))
        }
        state.manifest = manifest
        identity.manifestPath = path
        identity.manifestTakenAt = manifest.takenAt
        return "manifest taken at \(ISO8601.string(from: manifest.takenAt)) from \(manifest.serverDescription)"
            + (manifest.dump != nil ? ", recorded this \(noun)'s sha256" : "")
    }

    /// What production reported when the backup was taken (`restore-drill manifest`).
    static func readManifest(_ path: String) throws -> Manifest {
        do {
            return try JSONDecoder.drill.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw StepFailure(.error, "cannot read the manifest \(path): \(error.localizedDescription). "
                + "Write it with `restore-drill manifest` when the backup is taken.")
        }
    }

    /// The manifest's UTC time when the manifest is bound to this exact dump by its sha256;
    /// else the archive header (local time without zone, see ArchiveHeader); else plain
    /// pg_dump's `Started on`; else the file's modification time, the weakest evidence.
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

    /// A recovery target in words.
    static func describe(_ target: RecoveryTarget) -> String {
        switch target {
        case .time(let date): ISO8601.string(from: date, fractional: true)
        case .latest: "latest (the end of the archive)"
        }
    }
}
