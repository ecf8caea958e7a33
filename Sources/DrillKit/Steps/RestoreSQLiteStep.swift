import Foundation

/// Copies the SQLite file (and its `-wal`) into the throwaway's folder, opens the copy, and
/// judges it with SQLite's own checks: `integrity_check`, `foreign_key_check`, and that it
/// holds tables at all. The original is only ever read.
struct RestoreSQLiteStep: DrillStep {
    let id = StepID.restore
    let title = "Restore the SQLite file"
    /// Lines of SQLite's own words quoted in a finding.
    static let quotedProblems = 20

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        let backup: PreparedSQLite
        var importCommand: [String]?
        switch state.backup {
        case .sqlite(let file)?: backup = file
        case .export(let archive, let command)?: (backup, importCommand) = (archive, command)
        default: throw StepFailure(.error, "nothing to restore")
        }
        guard let destination = drill.target.restoredFile else { throw StepFailure(.error, "no throwaway folder to restore into") }
        var evidence: [String] = []
        if let importCommand {
            evidence += try await Self.importArchive(backup, with: importCommand, into: destination, drill)
        } else {
            try Self.copy(backup.path, to: destination, expecting: backup.sha256)
            evidence.append("copied \(backup.path) to \(destination) (0600), the same sha256 as measured")
        }
        if let wal = backup.wal {
            try Self.copy(wal.path, to: destination + "-wal", expecting: wal.sha256)
            evidence.append("copied its -wal beside it: SQLite applies the committed frames as it opens the copy")
        }
        if let journal = backup.journal {
            try Self.copy(journal, to: destination + "-journal")
            evidence.append("copied its rollback journal beside it: SQLite rolls the half-written transaction back as it opens the copy")
        }
        try Task.checkCancellation()

        let connection: SQLiteConnection
        let problems: [String]
        do {
            connection = try await SQLiteConnection.open(destination, mode: .readWrite)
            problems = try await Self.integrityProblems(connection)
        } catch let error as SQLiteError {
            throw StepFailure(finding: try await Self.unreadable(error, backup: backup, destination: destination))
        }
        if !problems.isEmpty {
            connection.close()
            throw StepFailure(finding: try await Self.damaged(problems, backup: backup, destination: destination))
        }
        let version = try await connection.query(DatabaseEngine.sqlite.versionQuery).scalar ?? "?"
        record.environment?.serverVersion = DatabaseEngine.sqlite.describe(version: version)
        if backup.wal != nil {
            // Fold the applied frames into the copy, so the app finds one file as production's was at the copy.
            _ = try? await connection.query("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let tables = Int(try await connection.query(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").scalar ?? "") ?? 0
        guard tables > 0 else {
            connection.close()
            throw StepFailure(finding: RestoreFindings.sqliteEmpty("\(backup.path) opens as a SQLite database holding no tables"))
        }
        let orphans = try await Self.foreignKeyViolations(connection)
        if !orphans.rows.isEmpty {
            connection.close()
            throw StepFailure(finding: RestoreFindings.sqliteForeignKeys(orphans.total, detail: orphans.rows.joined(separator: "\n")))
        }
        // Every later reader opens the file itself; one left open here would hold it while the
        // app, the upgrade and the way back rename and replace it.
        connection.close()
        evidence.append("integrity_check: ok; foreign_key_check: no row points at nothing; \(tables) table\(tables == 1 ? "" : "s")")
        let applied = backup.wal?.header.map { ", \($0.committedFrames) WAL frame\($0.committedFrames == 1 ? "" : "s") applied" } ?? ""
        let what = importCommand == nil ? "the copy" : "what the app's import made"
        return StepResult("SQLite \(version) opened \(what)\(applied): integrity_check ok, foreign keys hold, "
                          + "\(tables) table\(tables == 1 ? "" : "s")", evidence)
    }

    /// The archive copied into the throwaway's folder (the app's import reads the copy, never
    /// the original), then the app's import run on it, as StoreIT's guide restores an export.
    static func importArchive(_ archive: PreparedSQLite, with arguments: [String], into destination: String,
                              _ drill: DrillContext) async throws -> [String] {
        guard let folder = drill.target.privateDirectory else { throw StepFailure(.error, "no throwaway folder to import into") }
        let copy = folder + "/import/" + (archive.path as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder + "/import", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw StepFailure(.error, "could not prepare \(folder)/import: \(error.localizedDescription)")
        }
        try Self.copy(archive.path, to: copy)
        let command = try drill.target.checkCommand(arguments.map { $0.replacingOccurrences(of: "{{archive}}", with: copy) }, service: nil)
        let output: CommandOutput
        do {
            output = try await CommandRunner.run(command)
        } catch {
            throw StepFailure(.error, "the import command could not start: \(drill.secrets.redact("\(error)"))")
        }
        let lines = (output.standardOutput + output.standardError).split(separator: "\n").map(String.init)
        guard output.succeeded else {
            throw StepFailure(finding: RestoreFindings.exportImportFailed(output.statusDescription,
                                                                          detail: drill.secrets.redact(lines.suffix(12).joined(separator: "\n"))))
        }
        guard FileManager.default.fileExists(atPath: destination) else {
            throw StepFailure(finding: RestoreFindings.exportImportFailed(output.statusDescription + ", but wrote no database at \(destination)",
                                                                          detail: drill.secrets.redact(lines.suffix(12).joined(separator: "\n"))))
        }
        return ["copied \(archive.path) to \(copy) (0600)", "import: \(drill.secrets.redact(command.displayLine)) (\(output.statusDescription))"]
            + lines.suffix(3).map { "import said: " + drill.secrets.redact($0) }
    }

    /// `expecting`: the SHA-256 the prepare step measured; a copy of other bytes (a file that
    /// something still writes) is not the backup that was checked.
    static func copy(_ source: String, to destination: String, expecting hash: String? = nil) throws {
        do {
            if FileManager.default.fileExists(atPath: destination) { try FileManager.default.removeItem(atPath: destination) }
            try FileManager.default.copyItem(atPath: source, toPath: destination)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: destination)
        } catch {
            throw StepFailure(.error, "could not copy \(source) into the throwaway: \(error.localizedDescription)")
        }
        if let hash, let copied = try? FileDigest.sha256(path: destination).0, copied != hash {
            throw StepFailure(.fail, "\(source) changed between its measurement and its copy (sha256 \(hash.prefix(16))… then "
                              + "\(copied.prefix(16))…): something still writes it. Drill a backup nothing writes (sqlite3 .backup, VACUUM INTO)")
        }
    }

    /// `PRAGMA integrity_check`'s lines, none when it says `ok`. On a page it cannot read it
    /// stops with an error after naming what it found so far: those lines are kept, and the
    /// error is the last.
    static func integrityProblems(_ connection: SQLiteConnection) async throws -> [String] {
        let rows: [String]
        do {
            rows = try await connection.query("PRAGMA integrity_check(\(quotedProblems + 1))").rows.compactMap { $0.first ?? nil }
        } catch let error as SQLiteError where error.isCorruption && !error.rowsBeforeFailure.isEmpty {
            return lines(of: error.rowsBeforeFailure.compactMap { $0.first ?? nil }) + [stoppedLine(error)]
        }
        guard rows != ["ok"] else { return [] }
        return lines(of: rows)
    }

    /// A row may hold several problems, one a line, under a `*** in database main ***` heading.
    private static func lines(of rows: [String]) -> [String] {
        rows.flatMap { $0.split(separator: "\n").map(String.init) }.filter { !$0.hasPrefix("*** in database") }
    }

    /// Begins the line that says integrity_check gave up, so a count of problems reads "at least".
    static let stoppedPrefix = "integrity_check stopped here: "
    static func stoppedLine(_ error: SQLiteError) -> String { stoppedPrefix + error.description }

    /// Per child table and parent: how many rows point at a parent row that is not there.
    static func foreignKeyViolations(_ connection: SQLiteConnection) async throws -> (rows: [String], total: Int) {
        let result = try await connection.query("""
            SELECT "table", parent, count(*) AS orphans, min(rowid) AS first_rowid
            FROM pragma_foreign_key_check
            GROUP BY "table", parent
            ORDER BY "table", parent
            """)
        let total = result.rows.reduce(0) { $0 + (Int($1[2] ?? "") ?? 0) }
        let rows = result.rows.prefix(quotedProblems).map { row in
            let count = Int(row[2] ?? "") ?? 0
            return "\(row[0] ?? "?"): \(count) row\(count == 1 ? "" : "s") without their \(row[1] ?? "?") (first rowid \(row[3] ?? "?"))"
        }
        return (Array(rows), total)
    }

    /// SQLite refused to read the copy at all.
    static func unreadable(_ error: SQLiteError, backup: PreparedSQLite, destination: String) async throws -> Finding {
        if let wal = backup.wal, try await fileAloneIsIntact(backup, destination: destination) {
            return RestoreFindings.sqliteForeignWAL("with \(wal.path) applied, SQLite answers: \(error.description); "
                                                    + "without it, \(backup.path) passes integrity_check")
        }
        if (error.code & 0xff) == 26 /* SQLITE_NOTADB */ {
            return RestoreFindings.sqliteNotADatabase("SQLite answers: \(error.description)")
        }
        return RestoreFindings.sqliteIntegrity(1, atLeast: true, detail: "SQLite answers: \(error.description)")
    }

    /// `integrity_check` found damage: the file's own, or what a foreign `-wal` did to it.
    static func damaged(_ problems: [String], backup: PreparedSQLite, destination: String) async throws -> Finding {
        let shown = problems.prefix(quotedProblems).joined(separator: "\n")
        let count = problems.count > quotedProblems ? "more than \(quotedProblems)" : "\(problems.count)"
        if let wal = backup.wal, try await fileAloneIsIntact(backup, destination: destination) {
            return RestoreFindings.sqliteForeignWAL("with \(wal.path) applied, integrity_check reports \(count) problem"
                                                    + "\(problems.count == 1 ? "" : "s"); without it, \(backup.path) passes:\n\(shown)")
        }
        let more = problems.count > quotedProblems
        // A check that stopped counts what it named before; the damage may run further.
        let stopped = problems.last?.hasPrefix(stoppedPrefix) == true
        let named = more ? quotedProblems + 1 : problems.count - (stopped ? 1 : 0)
        return RestoreFindings.sqliteIntegrity(max(named, 1), atLeast: more || stopped, detail: shown + (more ? "\n…" : ""))
    }

    /// The file copied again without its `-wal`, and checked on its own.
    static func fileAloneIsIntact(_ backup: PreparedSQLite, destination: String) async throws -> Bool {
        let probe = destination + ".without-wal"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: probe + suffix) }
        }
        try copy(backup.path, to: probe)
        do {
            let connection = try await SQLiteConnection.open(probe, mode: .readWrite)
            defer { connection.close() }
            return try await integrityProblems(connection).isEmpty
        } catch is SQLiteError {
            return false
        }
    }
}
