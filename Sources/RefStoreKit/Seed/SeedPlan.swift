/// How many rows of each kind a seed of a given order count produces, and over which period.
/// Everything the generator derives from is here, so equal plans mean equal data.
public struct SeedPlan: Sendable, Equatable {
    /// Large enough for any demo or benchmark; beyond it the generator's 32-bit hash keys
    /// would start to repeat.
    public static let maximumOrderCount = 10_000_000

    /// Fixed so the same size always yields the same rows: two calendar years ending at
    /// 2026-06-30 (the window's end is exclusive), which spans invoice series 2024–2026.
    public static let windowStart = "2024-07-01 00:00:00+00"
    public static let windowEnd = "2026-07-01 00:00:00+00"
    static let windowSeconds: Int64 = 730 * 86_400

    public let orderCount: Int
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
