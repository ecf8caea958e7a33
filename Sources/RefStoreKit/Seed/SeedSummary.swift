import DrillKit

/// What a seed produced, read back from the database after it committed.
public struct SeedSummary: Sendable, Equatable {
    public struct InvoiceSeries: Sendable, Equatable {
        public let series: String
        public let invoiceCount: Int
        public let lastNumber: Int
        /// The number `issue_invoice` hands out next in this series.
        public let nextNumber: Int
    }

    public let plan: SeedPlan
    public let customers: Int
    public let customersWithoutOrders: Int
    public let products: Int
    public let orders: Int
    public let orderLines: Int
    public let invoices: Int
    public let invoiceSeries: [InvoiceSeries]
    /// Only whether it is there: the canary's value is a secret.
    public let canaryPlanted: Bool
    public let steps: [SeedStepTiming]
    public let duration: Duration

    /// A few lines for a terminal.
    public var reportLines: [String] {
        var lines = [
            "seeded \(orders) orders in \(DurationText.format(duration.seconds))",
            "  customers    \(customers) (\(customersWithoutOrders) without orders)",
            "  products     \(products)",
            "  orders       \(orders)",
            "  order_lines  \(orderLines)",
            "  invoices     \(invoices)",
        ]
        for series in invoiceSeries {
            lines.append("  series \(series.series)  \(series.invoiceCount) invoices, last number \(series.lastNumber), next \(series.nextNumber)")
        }
        lines.append("  canary       \(canaryPlanted ? "planted" : "not planted (DRILL_CANARY unset)")")
        return lines
    }
}
