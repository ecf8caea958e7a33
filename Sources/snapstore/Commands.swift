import ArgumentParser
import DrillCommandLine
import DrillKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the store's API on its SQLite file.",
        discussion: """
            A database whose schema version is not this release's stops the server in one line \
            ("schema version mismatch: database has 1, binary expects 2"), exit code 78. With \
            --auto-upgrade it upgrades by snapshot first, as StoreIT's container does, and puts \
            the old file back when the import fails.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "HTTP port (default: PORT, else 8080).")
    var port: UInt16?

    @Flag(help: "Upgrade an older database by snapshot before serving.")
    var autoUpgrade = false

    func run() async throws {
        let file = try store.file
        guard FileManager.default.fileExists(atPath: file) else { throw fail("no database at \(file)", code: 78) }
        if autoUpgrade {
            do {
                _ = try await SnapUpgrade.run(file, release: store.release, fault: store.fault)
            } catch {
                throw fail("upgrade failed: \(error)")
            }
        }
        let database = try await SQLiteConnection.open(file, mode: .readWrite)
        let schema = try await SnapSchema.version(of: database)
        guard schema == store.release.schemaVersion else {
            database.close()
            throw fail("schema version mismatch: database has \(schema), binary expects \(store.release.schemaVersion)", code: 78)
        }
        let chosen = port ?? ProcessInfo.processInfo.environment["PORT"].flatMap { UInt16($0) } ?? 8080
        say("snapstore \(store.release.version) on \(file) (schema \(schema))")
        let server = SnapServer(port: chosen, release: store.release, fault: store.fault, database: database)
        let serving = Task { try await server.run() }
        let handlers = SignalHandlers { name in
            say("snapstore stopping on \(name)")
            serving.cancel()
        }
        defer { handlers.cancel() }
        do {
            try await serving.value
        } catch is CancellationError {
        }
        database.close()
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write every row to an archive of the store's own format.")

    @OptionGroup var store: StoreOptions

    @Option(name: .shortAndLong, help: "The archive to write.")
    var output: String

    func run() async throws {
        let database = try await SQLiteConnection.open(try store.file, mode: .readOnly)
        defer { database.close() }
        let archive = try await SnapArchive.export(database, release: store.release)
        try archive.write(output)
        say("exported \(archive.tables.reduce(0) { $0 + $1.rows.count }) rows of \(archive.tables.count) tables (schema \(archive.schema)) to \(output)")
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create a fresh database from an archive, its rows brought to this release's schema.")

    @Argument(help: "The archive (from `snapstore export`).")
    var archive: String

    @OptionGroup var store: StoreOptions

    @Option(help: "replace: put the new database in place of an existing one; create (default): refuse if one exists.")
    var mode = "create"

    func run() async throws {
        let file = try store.file
        guard mode == "replace" || !FileManager.default.fileExists(atPath: file) else {
            throw fail("\(file) exists: give --mode replace to put the imported database in its place")
        }
        do {
            let read = try SnapArchive.read(archive)
            try await read.importFresh(into: file, release: store.release, fault: store.fault)
            say("imported \(read.tables.reduce(0) { $0 + $1.rows.count }) rows (schema \(read.schema) → \(store.release.schemaVersion)) into \(file)")
        } catch {
            throw fail("import failed: \(error)")
        }
    }
}

/// `storeit-ctl upgrade`'s part on the store: the snapshot upgrade, then the new version
/// started and its health checked; a failed health check puts the pre-upgrade file back.
struct UpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Upgrade the database by snapshot, check the new version's health, and roll back automatically when it fails.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let file = try store.file
        let outcome: SnapUpgrade.Outcome
        do {
            outcome = try await SnapUpgrade.run(file, release: store.release, fault: store.fault)
        } catch {
            throw fail("upgrade failed: \(error)")
        }
        guard case .upgraded = outcome else { return }
        let database = try await SQLiteConnection.open(file, mode: .readWrite)
        let server = SnapServer(port: 0, release: store.release, fault: store.fault, database: database)
        let (stream, continuation) = AsyncStream<UInt16>.makeStream()
        let serving = Task { try await server.run { continuation.yield($0) } }
        var iterator = stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        let health = await Self.health(port: port)
        serving.cancel()
        _ = try? await serving.value
        database.close()
        guard health.ok else {
            SnapUpgrade.restore(file + ".pre-upgrade", to: file)
            throw fail("health check failed (\(health.answer)): rolled back to the pre-upgrade database")
        }
        say("health check passed: \(store.release.version) is up; rollback file kept at \(file).pre-upgrade")
    }

    static func health(port: UInt16) async -> (ok: Bool, answer: String) {
        guard let url = URL(string: "http://127.0.0.1:\(port)/health"),
              let (data, response) = try? await URLSession.shared.data(from: url) else { return (false, "no answer") }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body = String(decoding: data, as: UTF8.self)
        return (status == 200 && body.contains("\"ok\":true"), "\(status) \(body)")
    }
}

struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the release and the schema it expects.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        say("snapstore \(store.release.version), schema \(store.release.schemaVersion)")
    }
}

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Create a new database of this release's schema with deterministic data.")

    @OptionGroup var store: StoreOptions

    @Option(help: "How many orders (each with its invoice).")
    var orders = 1000

    func run() async throws {
        let file = try store.file
        guard !FileManager.default.fileExists(atPath: file) else { throw fail("\(file) exists: seed makes a new store") }
        let database = try await SQLiteConnection.open(file, mode: .create)
        defer { database.close() }
        try await SnapSchema.create(database, version: store.release.schemaVersion)
        let sku = store.release.schemaVersion >= 2
        try await database.execute(script: """
            BEGIN;
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 50)
            INSERT INTO customers (email) SELECT 'customer' || n || '@example.test' FROM g;
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20)
            INSERT INTO items (name, price_cents, currency\(sku ? ", sku" : "")) SELECT 'item-' || n, 250 + n * 125, CASE n % 2 WHEN 0 THEN 'EUR' ELSE 'USD' END\(sku ? ", printf('SKU-%05d', n)" : "") FROM g;
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < \(orders))
            INSERT INTO orders (customer_id, item_id, quantity, total_cents, currency, created_at)
            SELECT 1 + n % 50, 1 + n % 20, 1 + n % 3, (1 + n % 3) * (250 + (1 + n % 20) * 125),
                   CASE (1 + n % 20) % 2 WHEN 0 THEN 'EUR' ELSE 'USD' END, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (\(orders) - n) || ' minutes')
            FROM g;
            INSERT INTO invoices (order_id, number) SELECT id, id FROM orders ORDER BY id;
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5)
            INSERT INTO images (item_id, bytes) SELECT n, randomblob(1024) FROM g;
            COMMIT;
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
        say("seeded \(file): 50 customers, 20 items, \(orders) orders with invoices, 5 images (schema \(store.release.schemaVersion))")
    }
}
