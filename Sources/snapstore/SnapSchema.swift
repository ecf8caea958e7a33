import DrillKit
import Foundation

/// The store's schema at each version, and the transforms an import applies to bring an
/// older archive's rows to the version that imports them.
enum SnapSchema {
    static let version1 = """
        CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE);
        CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
                            price_cents INTEGER NOT NULL, currency TEXT NOT NULL);
        CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id INTEGER NOT NULL REFERENCES customers(id),
                             item_id INTEGER NOT NULL REFERENCES items(id), quantity INTEGER NOT NULL,
                             total_cents INTEGER NOT NULL, currency TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE invoices (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL UNIQUE REFERENCES orders(id),
                               number INTEGER NOT NULL UNIQUE);
        CREATE TABLE images (id INTEGER PRIMARY KEY AUTOINCREMENT, item_id INTEGER NOT NULL REFERENCES items(id), bytes BLOB NOT NULL);
        """

    /// From 1 to 2: every item gets a SKU, and stock has a place to live.
    static let transform1to2 = """
        ALTER TABLE items ADD COLUMN sku TEXT;
        UPDATE items SET sku = printf('SKU-%05d', id);
        CREATE UNIQUE INDEX items_sku ON items (sku);
        CREATE TABLE stock_locations (id INTEGER PRIMARY KEY AUTOINCREMENT, item_id INTEGER NOT NULL REFERENCES items(id),
                                      shelf TEXT NOT NULL);
        """

    /// The tables in the order an import fills them (parents first).
    static let tables = ["customers", "items", "orders", "invoices", "images"]

    /// A new database at `version`: the first schema, then each transform up to it.
    static func create(_ connection: SQLiteConnection, version: Int) async throws {
        try await connection.execute(script: "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")
        try await connection.execute(script: "BEGIN; \(version1) PRAGMA user_version = 1; COMMIT;")
        try await migrate(connection, from: 1, to: version)
    }

    static func migrate(_ connection: SQLiteConnection, from: Int, to: Int) async throws {
        var at = from
        while at < to {
            guard at == 1 else { throw SnapError("no transform from schema \(at)") }
            try await connection.execute(script: "BEGIN; \(transform1to2) PRAGMA user_version = 2; COMMIT;")
            at += 1
        }
    }

    static func version(of connection: SQLiteConnection) async throws -> Int {
        Int(try await connection.query("PRAGMA user_version").scalar ?? "0") ?? 0
    }
}

struct SnapError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
