import Foundation
import Testing
@testable import DrillKit

/// A real source cluster with continuous archiving (`archive_mode = on`, an `archive_command`
/// copying each segment into `archive/`), a `pg_basebackup -Ft -z` base backup, and rows
/// written after it across several segments (`pg_switch_wal()` between them), each with the
/// moment its transaction committed.
struct PITRSource: Sendable {
    let base: String
    let archive: String
    /// `(label, committed at)` in order: `before`, `middle`, `after`, then `tail`, the last
    /// transaction in the archive (recovery only knows it passed a target when it sees a
    /// commit after it).
    let rows: [(label: String, committed: Date)]
    let baseStarted: Date

    /// `archive/` in `scratch`, writable by the server.
    static func archiveFolder(in scratch: ScratchFolder) throws -> String {
        let archive = scratch.file("archive")
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        if let postgres = SystemUser.lookup("postgres"), SystemUser.isRoot { chown(archive, postgres.uid, postgres.gid) }
        return archive
    }

    /// Turns continuous archiving into `archive` on, with `setup` run before the restart it needs.
    static func startArchiving(_ source: TestPostgres, into archive: String, setup: String) async throws {
        let cluster = source.cluster
        // ALTER SYSTEM cannot share a transaction with anything: one statement each.
        try await source.execute("ALTER SYSTEM SET archive_mode = on")
        try await source.execute("ALTER SYSTEM SET archive_command = 'test ! -f \(archive)/%f && cp %p \(archive)/%f'")
        // Each row's moment is its commit record's, the time recovery compares a target with and
        // reports: on a loaded machine the commit can land seconds after the statement ran.
        try await source.execute("ALTER SYSTEM SET track_commit_timestamp = on")
        try await source.execute(setup)
        let restart = try await CommandRunner.run(Command(cluster.binaries.pgCtl, ["--pgdata", cluster.dataDirectory, "--log", cluster.logFile,
                                                                               "--wait", "restart"], runAs: cluster.runAs))
        guard restart.succeeded else { throw ScratchError("restart with archiving failed: \(restart.errorTail())") }
    }

    /// Waits until the segment `pg_switch_wal()` completed, named `segment`, is in the archive.
    static func waitUntilArchived(_ segment: String, on connection: PostgresConnection) async throws {
        try #require(WALArchive.isSegmentName(segment), "pg_switch_wal named no segment: \(segment)")
        var archived = false
        for _ in 0..<300 where !archived {
            let done = try await connection.query("SELECT coalesce(last_archived_wal >= $1, false) FROM pg_stat_archiver", [segment]).scalar
            archived = done == "t"
            if !archived { try await Task.sleep(for: .milliseconds(200)) }
        }
        // Otherwise every test would fail later, somewhere that does not say why.
        try #require(archived, "the source's last WAL segment \(segment) was not archived within 60 s")
    }

    static func make(in scratch: ScratchFolder) async throws -> PITRSource {
        let archive = try archiveFolder(in: scratch)
        return try await withTestPostgres { source in
            let cluster = source.cluster
            try await startArchiving(source, into: archive,
                                     setup: "CREATE TABLE events (id serial PRIMARY KEY, label text NOT NULL, committed timestamptz)")

            let base = scratch.file("base")
            let backup = try await CommandRunner.run(Command(cluster.binaries.directory + "/pg_basebackup",
                                                             ["-D", base, "-Ft", "-z", "-X", "none", "--checkpoint=fast"],
                                                             environment: cluster.clientEnvironment(database: source.database)))
            guard backup.succeeded else { throw ScratchError("pg_basebackup failed: \(backup.errorTail())") }
            let baseStarted = Date()

            var rows: [(String, Date)] = []
            var lastSwitched = ""
            for label in ["before", "middle", "after", "tail"] {
                try await Task.sleep(for: .milliseconds(1100))
                let connection = try await source.connect()
                _ = try await connection.query("INSERT INTO events (label, committed) VALUES ($1, clock_timestamp())", [label])
                let committed = try await connection.query(
                    "SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin)) FROM events WHERE label = $1", [label]).scalar
                // The segment just completed, by its own name: the server goes on writing WAL
                // (a standby snapshot every 15 s), so "the current position" keeps moving on.
                lastSwitched = try await connection.query("SELECT pg_walfile_name(pg_switch_wal())").scalar ?? ""
                connection.close()
                rows.append((label, Date(timeIntervalSince1970: Double(committed ?? "0") ?? 0)))
            }
            let connection = try await source.connect()
            defer { connection.close() }
            try await waitUntilArchived(lastSwitched, on: connection)
            return PITRSource(base: base + "/base.tar.gz", archive: archive, rows: rows, baseStarted: baseStarted)
        }
    }

    /// A copy of the archive with a hole: one segment after the backup's start, with later
    /// segments beyond it, left out. Returns the copy and the segment removed.
    func archiveWithHole(in scratch: ScratchFolder) async throws -> (path: String, removed: String) {
        let holed = scratch.file("holed-" + RandomToken.hex(bytes: 3))
        try FileManager.default.copyItem(atPath: archive, toPath: holed)
        let start = try await BaseBackup.locate(base).startWALFile
        guard let removed = try WALArchive(path: holed).segments.filter({ $0 > start }).dropLast().last else {
            throw ScratchError("the archive has too few segments after the backup's start to make a hole")
        }
        try FileManager.default.removeItem(atPath: holed + "/" + removed)
        return (holed, removed)
    }
}
