extension Migration {
    /// Every RefStore migration, oldest first. Append only: a released migration is history,
    /// so fixes go into a new entry rather than an edit.
    public static let all: [Migration] = [
        .currencyCode,
        .customers,
        .products,
        .orders,
        .orderLines,
        .invoices,
        .invoiceCounters,
        .issueInvoice,
        .drillCanary,
        .invoiceImmutability,
        .users,
    ]

    /// The version a fully migrated database reports.
    public static var latestVersion: Int { all.last?.version ?? 0 }
}
