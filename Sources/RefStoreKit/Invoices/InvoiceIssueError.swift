/// `issue_invoice` answered with something other than the one invoice row it promises,
/// which means the database's function is not the one migration 0008 installed.
public struct InvoiceIssueError: Error, Equatable, CustomStringConvertible {
    public let orderID: Int

    public var description: String {
        "issuing the invoice for order \(orderID) returned no usable invoice row; is the schema migrated by this refstore?"
    }
}
