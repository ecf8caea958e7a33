import Foundation
@testable import DrillKit

/// A small SQLite store shaped like StoreIT's: customers, orders in integer cents with an
/// AUTOINCREMENT id, gapless invoices, foreign keys. Made with the real libsqlite3.
let sqliteShopSQL = """
    PRAGMA foreign_keys = ON;
    CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
    CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id INTEGER NOT NULL REFERENCES customers(id),
                         currency TEXT NOT NULL, total_cents INTEGER NOT NULL);
    CREATE TABLE invoices (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), number INTEGER NOT NULL UNIQUE);
    CREATE TABLE drill_canary (value TEXT NOT NULL);
    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 200)
    INSERT INTO customers (id, email) SELECT n, 'c' || n || '@example.test' FROM g;
    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 2000)
    INSERT INTO orders (customer_id, currency, total_cents)
    SELECT 1 + n % 200, CASE n % 3 WHEN 0 THEN 'EUR' WHEN 1 THEN 'USD' ELSE 'GBP' END, 100 + n * 7 FROM g;
    INSERT INTO invoices (order_id, number) SELECT id, id FROM orders WHERE id <= 1500;
    INSERT INTO drill_canary VALUES ('canary-7f3e');
    """

enum SQLiteShop {
    /// The shop's totals: what its manifest reports.
    static let orders: Int64 = 2000
    static let customers: Int64 = 200

    /// A production file at `path`, filled by `sql` (the shop by default).
    static func makeProduction(at path: String, sql: String = sqliteShopSQL, wal: Bool = false) async throws {
        let connection = try await SQLiteConnection.open(path, mode: .create)
        defer { connection.close() }
        if wal { try await connection.execute(script: "PRAGMA journal_mode = WAL;") }
        try await connection.execute(script: sql)
    }

    /// Runs statements on an existing file.
    static func change(_ path: String, _ sql: String) async throws {
        let connection = try await SQLiteConnection.open(path, mode: .readWrite)
        defer { connection.close() }
        try await connection.execute(script: sql)
    }

    /// A backup as operators take one: the sqlite3 shell's `.backup`.
    static func backup(_ production: String, to backup: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [production, ".backup '\(backup)'"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SQLiteError(code: 1, message: "sqlite3 .backup exited \(process.terminationStatus)")
        }
    }
}

extension Scenario {
    /// A drill of a SQLite store on the local target.
    static func sqliteScenario(backup: String, checks: [CheckKind] = [], manifest: String? = nil, sha256File: String? = nil,
                               reportDirectory: String = NSTemporaryDirectory()) -> Scenario {
        Scenario(file: "test.yml", name: "test-sqlite-drill", objectives: Objectives(tier: .baseline, rpoSeconds: nil, rtoSeconds: nil),
                 environment: EnvironmentSpec(kind: .local, database: DatabaseSpec(file: "data/db/storeit.db")),
                 backup: BackupSpec(source: .sqlite(SQLiteBackupSpec(path: backup, sha256File: sha256File, minSizeBytes: 0)), manifest: manifest),
                 checks: checks.enumerated().map { CheckSpec(index: $0.offset, location: SourceLocation(line: 10 + $0.offset, column: 5), kind: $0.element) },
                 report: ReportSpec(directory: reportDirectory))
    }
}
