import Foundation

/// Finds the SQLite file (and the `-wal` beside it), measures and hashes both, binds them to
/// the manifest, and reads the file's header, all before anything is created: a file that is
/// not SQLite, or one cut short, is named here.
struct PrepareSQLiteStep: DrillStep {
    let id = StepID.prepare
    let title = "Find, measure and inspect the backup"
    let spec: SQLiteBackupSpec
    /// An export in the app's own format: no SQLite header to read, the app's import restores it.
    var importCommand: [String]? = nil

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        let path: String
        do {
            path = try DumpLocator.locate(spec.path, newest: spec.newest, noun: importCommand == nil ? "SQLite file" : "export archive")
        } catch {
            throw StepFailure(finding: RestoreFindings.dumpMissing("\(error)"))
        }
        var identity = BackupIdentity(path: path)
        identity.format = importCommand == nil ? "sqlite" : "sqlite-export"
        record.backup = identity

        let (size, hash) = try BackupFacts.measure(path, minimum: spec.minSizeBytes, sha256File: spec.sha256File, &identity, &record)

        var evidence: [String] = []
        if let manifestPath = drill.scenario.backup.manifest {
            evidence.append(try BackupFacts.bindManifest(manifestPath, to: hash, noun: "file", &state, &identity, &record))
        }
        record.backup = identity

        if let importCommand {
            (identity.createdAt, identity.createdAtSource) = Self.creationTime(manifest: state.manifest, path: path)
            state.dataCutoff = identity.createdAt.map { ($0, "the backup's time (\(identity.createdAtSource ?? "?"))") }
            record.backup = identity
            state.backup = .export(PreparedSQLite(path: path, sha256: hash, sizeBytes: size), importCommand: importCommand)
            evidence.append("export archive \(path), \(SizeText.format(size)), sha256 \(hash): the app's own import restores it")
            return StepResult("export archive, \(SizeText.format(size))" + (spec.sha256File != nil ? ", sha256 verified" : ""), evidence)
        }

        let header: SQLiteFileHeader?
        do {
            header = try SQLiteFileHeader.read(path: path, size: size)
        } catch let problem as SQLiteFileHeader.Problem {
            throw StepFailure(finding: Self.finding(for: problem, path: path))
        }
        guard let header else {
            throw StepFailure(finding: RestoreFindings.sqliteEmpty("\(path) is 0 bytes: SQLite reads an empty file as a database without tables"))
        }
        identity.sourceServerVersion = "SQLite \(header.writtenBy)"
        let wal = try Self.prepareWAL(beside: path, header: header)
        if let wal, let committed = wal.header?.committedFrames, committed > 0, state.manifest?.dump != nil {
            throw StepFailure(finding: RestoreFindings.sqliteForeignWAL(
                "the manifest binds \(path) alone by its sha256, and \(wal.path) beside it holds \(committed) committed "
                + "frame\(committed == 1 ? "" : "s") that would change it after the manifest was taken"))
        }
        let journal = BackupFacts.size(of: path + "-journal") > 0 ? path + "-journal" : nil
        (identity.createdAt, identity.createdAtSource) = Self.creationTime(manifest: state.manifest, path: path)
        state.dataCutoff = identity.createdAt.map { ($0, "the backup's time (\(identity.createdAtSource ?? "?"))") }
        record.backup = identity
        state.backup = .sqlite(PreparedSQLite(path: path, sha256: hash, sizeBytes: size, header: header, wal: wal, journal: journal))

        evidence.append("SQLite file \(path)")
        evidence.append("\(SizeText.format(size)), sha256 \(hash); page size \(header.pageSize), "
                        + (header.pageCount.map { "\($0) pages" } ?? "page count not in the header")
                        + ", \(header.isWAL ? "WAL" : "rollback-journal") mode, last written by SQLite \(header.writtenBy)")
        if let wal {
            evidence.append("-wal beside it: \(wal.path), \(SizeText.format(wal.sizeBytes)), sha256 \(wal.sha256), "
                            + (wal.header.map { "\($0.committedFrames) committed frame\($0.committedFrames == 1 ? "" : "s") of \($0.frames)" } ?? "no WAL header"))
        }
        if let journal {
            evidence.append("a rollback journal beside it (\(journal)): a write was under way as the file was copied; "
                            + "SQLite rolls it back as it opens the copy")
        }
        if let created = identity.createdAt {
            evidence.append("taken at \(ISO8601.string(from: created, fractional: false)) (\(identity.createdAtSource ?? "?"))")
        }
        return StepResult("SQLite file, \(SizeText.format(size))" + (wal != nil ? " with its -wal" : "")
                          + ", written by SQLite \(header.writtenBy)" + (spec.sha256File != nil ? ", sha256 verified" : ""), evidence)
    }

    /// A `-wal` beside the file is part of the copy; one that cannot be part of it (another
    /// page size, or a file not in WAL mode, which SQLite would silently ignore) is named now.
    static func prepareWAL(beside path: String, header: SQLiteFileHeader) throws -> PreparedWAL? {
        let walPath = path + "-wal"
        guard FileManager.default.fileExists(atPath: walPath) else { return nil }
        let size = BackupFacts.size(of: walPath)
        guard size > 0 else { return nil }
        let (hash, _) = try FileDigest.sha256(path: walPath)
        let walHeader = SQLiteWALHeader.read(path: walPath)
        if let walHeader, walHeader.pageSize != header.pageSize {
            throw StepFailure(finding: RestoreFindings.sqliteForeignWAL(
                "\(walPath) has pages of \(walHeader.pageSize) bytes, \(path) of \(header.pageSize): they are not one database"))
        }
        if let walHeader, walHeader.committedFrames > 0, !header.isWAL {
            throw StepFailure(finding: RestoreFindings.sqliteForeignWAL(
                "\(path) is in rollback-journal mode, so SQLite ignores \(walPath) and its \(walHeader.committedFrames) committed "
                + "frame\(walHeader.committedFrames == 1 ? "" : "s"): the -wal was left by another database, or by this one before it left WAL mode"))
        }
        return PreparedWAL(path: walPath, sha256: hash, sizeBytes: size, header: walHeader)
    }

    static func finding(for problem: SQLiteFileHeader.Problem, path: String) -> Finding {
        switch problem {
        case .notSQLite(let looksLike):
            return RestoreFindings.sqliteNotADatabase("\(path) does not start with \"SQLite format 3\""
                                                      + (looksLike.map { "; it looks like \($0)" } ?? ""))
        case .tooShortForHeader(let size):
            return RestoreFindings.sqliteTruncated("\(path) is \(size) bytes, shorter than SQLite's 100-byte header")
        case .badPageSize(let raw):
            return RestoreFindings.sqliteNotADatabase("\(path) has SQLite's magic string but a page size of \(raw), which no SQLite writes: the header is damaged")
        case .truncated(let expected, let actual, let pages):
            return RestoreFindings.sqliteTruncated("\(path) holds \(actual) bytes; its header says \(pages) pages, \(expected) bytes "
                                                   + "(\(expected - actual) bytes missing)")
        case .partialPage(let size, let pageSize):
            return RestoreFindings.sqliteTruncated("\(path) is \(size) bytes, not a whole number of \(pageSize)-byte pages: the copy ends mid-page")
        }
    }

    /// The manifest's time when it is bound to this file by sha256; else the file's modification time.
    static func creationTime(manifest: Manifest?, path: String) -> (Date?, String?) {
        if let manifest, manifest.dump != nil { return (manifest.takenAt, "manifest taken_at, bound to this file by sha256") }
        if let manifest { return (manifest.takenAt, "manifest taken_at (not bound to the file by hash)") }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        return (modified, modified == nil ? nil : "file modification time")
    }
}
