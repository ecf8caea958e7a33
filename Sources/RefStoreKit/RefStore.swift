import DrillKit
import Foundation

/// RefStore: a small stand-in for the SovEcom e-commerce database, for seeding throwaway
/// "production" databases that drills then back up and restore.
public enum RefStore {
    /// Applies every compiled-in migration the database has not recorded, each in its own
    /// transaction, and returns those it applied (empty when the schema was already current).
    public static func migrate(on connection: PostgresConnection, to release: RefStoreRelease = .one) async throws -> [AppliedMigration] {
        try await Migrator(connection: connection, migrations: release.migrations).migrate()
    }

    /// Why `release` cannot serve this database's schema, in one line; nil when it can.
    /// Unreadable history (no database yet) is not refused here: health reports the database.
    public static func schemaRefusal(on connection: PostgresConnection, for release: RefStoreRelease) async throws -> String? {
        let applied = try await Migrator.recordedHistory(on: connection).keys.max() ?? 0
        if applied < release.schemaVersion {
            return "refstore \(release.version) needs schema version \(release.schemaVersion), the database is at \(applied): "
                + "run `refstore migrate --release \(release.rawValue)` first"
        }
        if applied > release.schemaVersion {
            return "the database's schema (version \(applied)) is newer than refstore \(release.version) knows (\(release.schemaVersion)): "
                + "run the release that migrated it, or restore the backup taken before the upgrade"
        }
        return nil
    }

    /// The highest recorded migration version, or nil for a database RefStore never migrated.
    public static func schemaVersion(on connection: PostgresConnection) async throws -> Int? {
        try await Migrator.recordedHistory(on: connection).keys.max()
    }

    /// Generates the deterministic data set for `orders` orders in one transaction.
    /// - Parameters:
    ///   - reset: wipe existing data first; without it a database holding data is refused.
    ///   - canary: secret stored in `drill_canary` (never logged or returned); nil leaves it alone.
    ///   - account: the drill's login, enrolled with its TOTP secret sealed under the master key.
    ///   - onStepFinished: called as each phase finishes, for progress output.
    public static func seed(
        on connection: PostgresConnection,
        orders: Int,
        reset: Bool = false,
        canary: String? = nil,
        account: DrillAccount? = nil,
        endingAt windowEnd: Date = SeedPlan.defaultWindowEnd,
        onStepFinished: (@Sendable (SeedStepTiming) -> Void)? = nil
    ) async throws -> SeedSummary {
        var plan = try SeedPlan(orderCount: orders)
        plan.windowEnd = windowEnd
        return try await Seeder(
            connection: connection, plan: plan, reset: reset,
            canary: canary, account: account, onStepFinished: onStepFinished
        ).run()
    }

    /// Issues the invoice for an order with the next gapless number of the current year's
    /// series, in its own transaction (see migration 0008 for the locking).
    public static func issueInvoice(on connection: PostgresConnection, orderID: Int) async throws -> IssuedInvoice {
        let result = try await connection.inTransaction { connection in
            try await connection.query(
                "SELECT id, order_id, series, number, total_cents, currency FROM issue_invoice($1::bigint)",
                [String(orderID)])
        }
        guard let row = result.rows.first, row.count == 6,
              let id = row[0].flatMap({ Int($0) }), let order = row[1].flatMap({ Int($0) }),
              let series = row[2], let number = row[3].flatMap({ Int($0) }),
              let total = row[4].flatMap({ Int($0) }), let currency = row[5]
        else {
            throw InvoiceIssueError(orderID: orderID)
        }
        return IssuedInvoice(id: id, orderID: order, series: series, number: number, totalCents: total, currency: currency)
    }
}
