/// The phases of a seed, reported as each one finishes so a long seed shows progress and a
/// benchmark can see where the time goes.
public enum SeedStep: String, Sendable, CaseIterable {
    case prepare = "check and prepare tables"
    case products = "products"
    case customers = "customers"
    case ordersAndLines = "orders and order lines"
    case invoices = "invoices and counters"
    case rebuildIndexes = "rebuild keys, indexes and foreign keys"
    case finish = "sequences, canary, commit"
    case analyze = "analyze"
}

public struct SeedStepTiming: Sendable, Equatable {
    public let step: SeedStep
    public let duration: Duration

    /// The duration in fractional seconds, for printing.
    public var seconds: Double { duration.seconds }
}
