import DrillKit
import Foundation

/// How many rows of each kind a seed of a given order count produces, and over which period.
/// Everything the generator derives from is here, so equal plans mean equal data.
public struct SeedPlan: Sendable, Equatable {
    /// Large enough for any demo or benchmark; beyond it the generator's 32-bit hash keys
    /// would start to repeat.
    public static let maximumOrderCount = 10_000_000

    /// By default fixed so the same size always yields the same rows: two calendar years
    /// ending at 2026-06-30 (the window's end is exclusive), which spans invoice series 2024–2026.
    public static let defaultWindowEnd = Date(timeIntervalSince1970: 1_782_864_000) // 2026-07-01T00:00:00Z
    static let windowSeconds: Int64 = 730 * 86_400

    public let orderCount: Int
    /// When the data stops (exclusive). A demo seeds up to now, so its backup's data is as
    /// fresh as a live store's and a freshness check has something true to say; equal plans
    /// with equal ends still mean equal data.
    public var windowEnd: Date = SeedPlan.defaultWindowEnd
    public var windowStart: Date { windowEnd.addingTimeInterval(-Double(Self.windowSeconds)) }

    /// The window's ends as PostgreSQL reads them.
    var windowStartText: String { ISO8601.string(from: windowStart, fractional: false) }
    var windowEndText: String { ISO8601.string(from: windowEnd, fractional: false) }
    public let productCount = 200
    /// About one customer per four orders, plus every tenth customer who never orders.
    public var customerCount: Int { max(10, (orderCount * 10 + 35) / 36) }

    public init(orderCount: Int) throws(SeedError) {
        guard (1...Self.maximumOrderCount).contains(orderCount) else {
            throw .orderCountOutOfRange(orderCount, allowed: 1...Self.maximumOrderCount)
        }
        self.orderCount = orderCount
    }

    public init(size: SeedSize) {
        self.orderCount = size.orderCount
    }
}
