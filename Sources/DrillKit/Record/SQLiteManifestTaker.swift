import Foundation

/// `restore-drill manifest --sqlite`: what a SQLite store holds, read through one read
/// transaction on production's file opened read-only (one snapshot, as PostgreSQL's REPEATABLE
/// READ), and bound to the backup by SHA-256. `backupTo` takes the backup itself, inside that
/// snapshot, with SQLite's online backup, so the two agree exactly; `exec` runs the operator's
/// own command while the snapshot is held, and the file it writes is then counted again.
public struct SQLiteManifestTaker: Sendable {
    public var file: String
    public var checks: [CheckSpec]
    public var backupTo: String?
    public var exec: String?
    public var dumpPath: String?
    public var records: [String: String]
    public var commandsFolder: String?
    public var recordsOutputs: Bool

    public init(file: String, checks: [CheckSpec] = [], backupTo: String? = nil, exec: String? = nil, dumpPath: String? = nil,
                records: [String: String] = [:], commandsFolder: String? = nil, recordsOutputs: Bool = false) {
        self.file = file
        self.checks = checks
        self.backupTo = backupTo
        self.exec = exec
        self.dumpPath = dumpPath
        self.records = records
        self.commandsFolder = commandsFolder
        self.recordsOutputs = recordsOutputs
    }

    typealias Failure = ManifestTaker.Failure

    public func take(onOutput: (@Sendable (String) -> Void)? = nil) async throws -> Manifest {
        if backupTo != nil, exec != nil {
            throw Failure(description: "--backup-to takes the backup itself; --exec runs yours: give one of them")
        }
        if exec != nil, dumpPath == nil {
            throw Failure(description: "--exec needs --dump PATH: the file the command writes, so the manifest can record its sha256")
        }
        guard FileManager.default.fileExists(atPath: file) else {
            // Opening a missing path would create an empty database; production is never created here.
            throw Failure(description: "the SQLite file \(file) does not exist")
        }
        for written in [backupTo, dumpPath].compactMap({ $0 }) where Self.isProduction(written, file) {
            throw Failure(description: "\(written) is production's own file (or one SQLite keeps beside it): the backup must go elsewhere")
        }
        let sidecars = Self.sidecars(of: file).filter { !FileManager.default.fileExists(atPath: $0) }
        let db = try await SQLiteConnection.open(file, mode: .readOnly)
        defer {
            db.close()
            Self.handOver(sidecars, toOwnerOf: file)
        }
        // A read transaction starts at the first read; from then on this connection sees one snapshot.
        try await db.query("BEGIN")
        var manifest: Manifest
        var commands: [String: (command: Command, timeoutSeconds: Double)] = [:]
        do {
            (manifest, commands) = try await read(db, onOutput: onOutput)
            try await db.query("COMMIT")
        } catch {
            _ = try? await db.query("ROLLBACK")
            throw error
        }
        // After the transaction: in rollback-journal mode it holds a lock every writer waits on,
        // and another process cannot share its snapshot anyway.
        if !commands.isEmpty { manifest.commandOutputs = try await ManifestTaker.recordOutputs(commands) }
        return manifest
    }

    /// The files SQLite keeps beside a database.
    static func sidecars(of file: String) -> [String] {
        ["-wal", "-shm", "-journal"].map { file + $0 }
    }

    /// Whether `path` is production's file, one beside it, or the same file by another name.
    static func isProduction(_ path: String, _ file: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.path
        let production = URL(fileURLWithPath: file).standardizedFileURL.path
        if ([production] + sidecars(of: production)).contains(resolved) { return true }
        var mine = stat(), theirs = stat()
        guard stat(path, &mine) == 0, stat(file, &theirs) == 0 else { return false }
        return mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino
    }

    /// A read-only open of a WAL-mode file with no `-wal`/`-shm` beside it makes them; made by
    /// root, the app's own user could no longer open its store. They go to the file's owner.
    static func handOver(_ created: [String], toOwnerOf file: String) {
        var owner = stat()
        guard stat(file, &owner) == 0 else { return }
        for path in created where FileManager.default.fileExists(atPath: path) {
            _ = chown(path, owner.st_uid, owner.st_gid)
        }
    }

    private func read(_ db: SQLiteConnection, onOutput: (@Sendable (String) -> Void)?) async throws
        -> (Manifest, [String: (command: Command, timeoutSeconds: Double)]) {
        let version = try await db.query(DatabaseEngine.sqlite.versionQuery).scalar ?? "?"
        var manifest = Manifest(takenAt: Date(), database: (file as NSString).lastPathComponent, serverVersion: version)
        manifest.engine = .sqlite
        manifest.rowCounts = try await Self.rowCounts(db)
        var commands: [String: (command: Command, timeoutSeconds: Double)] = [:]
        let environment: [String: String?] = ["DATABASE_FILE": file]
        for need in checks.compactMap(makeCheck).flatMap(\.manifestNeeds) {
            switch need {
            case .moneyTotals(let column, let currency):
                manifest.moneyTotals[column.description] = try await ManifestTaker.moneyTotals(db, column: column, currency: currency)
            case .invoiceLatest(let invoices):
                manifest.invoiceLatest["\(invoices.table).\(invoices.column)"] = try await ManifestTaker.latestNumbers(db, invoices)
            case .commandOutput(let name, let run, let timeout):
                if recordsOutputs, let executable = run.first {
                    commands[name] = (Command(executable, Array(run.dropFirst()), environment: environment, workingDirectory: commandsFolder), timeout)
                }
            }
        }
        for (name, shell) in records {
            commands[name] = (Command("/bin/sh", ["-c", shell], environment: environment, workingDirectory: commandsFolder),
                              ManifestTaker.recordTimeoutSeconds)
        }
        if let backupTo {
            try await db.backup(to: backupTo)
            manifest.dump = try Self.fingerprint(backupTo)
        } else if let exec, let dumpPath {
            let output = try await CommandRunner.run(Command("/bin/sh", ["-c", exec], environment: environment),
                                                     onStandardOutputLine: onOutput, onStandardErrorLine: onOutput)
            guard output.succeeded else {
                throw Failure(description: "the backup command failed (\(output.statusDescription)): \(output.errorTail())")
            }
            // A SQLite file is counted again; an archive of the app's own format cannot be, and the
            // drill's counts against this manifest are what prove it whole.
            if (try? SQLiteFileHeader.read(path: dumpPath, size: BackupFacts.size(of: dumpPath))) != nil {
                try await Self.confirm(dumpPath, holds: manifest.rowCounts)
            }
            manifest.dump = try Self.fingerprint(dumpPath)
        }
        return (manifest, commands)
    }

    /// Every table's exact count, in one statement.
    static func rowCounts(_ db: SQLiteConnection) async throws -> [String: Int64] {
        let tables = try await db.query("""
            SELECT name FROM sqlite_schema
            WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY name
            """).rows.compactMap { $0.first ?? nil }
        guard !tables.isEmpty else { return [:] }
        let sql = tables.enumerated().map { position, table in
            "SELECT \(position) AS position, count(*) AS row_count FROM \(table.sqlIdentifier)"
        }.joined(separator: "\nUNION ALL\n")
        var counts: [String: Int64] = [:]
        for row in try await db.query(sql).rows {
            guard let position = row[0].flatMap({ Int($0) }), tables.indices.contains(position),
                  let count = row[1].flatMap({ Int64($0) }) else { continue }
            counts[tables[position]] = count
        }
        return counts
    }

    /// The operator's command ran in another process, which may have seen later commits than
    /// this snapshot (a store in WAL mode lets writers go on): the file it wrote must hold the
    /// counts the manifest records, or the manifest would vouch for a different moment.
    static func confirm(_ backup: String, holds counts: [String: Int64]) async throws {
        guard FileManager.default.fileExists(atPath: backup) else {
            throw Failure(description: "the backup command succeeded but \(backup) does not exist")
        }
        let copy = try await SQLiteConnection.open(backup, mode: .readOnly)
        defer { copy.close() }
        let written = try await rowCounts(copy)
        let differing = Set(counts.keys).union(written.keys).sorted().filter { counts[$0] != written[$0] }
        guard differing.isEmpty else {
            let listed = differing.prefix(5).map { "\($0): \(counts[$0].map(String.init) ?? "none") in the snapshot, \(written[$0].map(String.init) ?? "none") in the backup" }
            throw Failure(description: "production changed while the backup command ran (" + listed.joined(separator: "; ")
                          + "): the backup is of a later moment than this manifest. Use --backup-to FILE, which copies the manifest's own snapshot")
        }
    }

    static func fingerprint(_ path: String) throws -> Manifest.DumpFingerprint {
        let (hash, size) = try FileDigest.sha256(path: path)
        return Manifest.DumpFingerprint(path: URL(fileURLWithPath: path).lastPathComponent, sha256: hash, sizeBytes: size)
    }
}
