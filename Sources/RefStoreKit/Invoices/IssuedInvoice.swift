/// An invoice as `issue_invoice` returned it.
public struct IssuedInvoice: Sendable, Equatable {
    public let id: Int
    public let orderID: Int
    public let series: String
    public let number: Int
    public let totalCents: Int
    public let currency: String

    /// `2026/42`, how people quote an invoice.
    public var displayNumber: String { "\(series)/\(number)" }
}
