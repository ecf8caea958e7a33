/// The SQL behind the order routes. Placing an order and issuing its invoice happen in one
/// transaction: `issue_invoice` locks the series' counter row, so numbers stay gapless even
/// when orders arrive together.
enum OrderStatements {
    /// $1 customer, $2 currency, $3 product ids, $4 quantities (arrays in line order).
    /// Prices come from the catalogue; a product priced in another currency is refused.
    static let place = """
        WITH wanted AS (
            SELECT line.position::smallint AS position, line.product_id, line.quantity, p.price_cents, p.currency
            FROM unnest($3::bigint[], $4::integer[]) WITH ORDINALITY AS line(product_id, quantity, position)
            JOIN products p ON p.id = line.product_id
        ), checked AS (
            SELECT * FROM wanted
            WHERE (SELECT count(*) FROM wanted) = cardinality($3::bigint[])
              AND NOT EXISTS (SELECT 1 FROM wanted WHERE currency::text <> $2)
        ), placed AS (
            INSERT INTO orders (customer_id, currency, total_cents, status)
            SELECT $1::bigint, $2, sum(quantity * price_cents), 'paid' FROM checked HAVING count(*) > 0
            RETURNING id, total_cents
        ), lines AS (
            INSERT INTO order_lines (order_id, position, product_id, quantity, unit_price_cents, line_total_cents)
            SELECT placed.id, checked.position, checked.product_id, checked.quantity, checked.price_cents,
                   checked.quantity * checked.price_cents
            FROM placed, checked
            RETURNING order_id
        )
        SELECT placed.id, placed.total_cents, invoice.series, invoice.number
        FROM placed, LATERAL (SELECT * FROM issue_invoice(placed.id)) AS invoice
        """

    static let read = """
        SELECT o.id, o.total_cents, o.currency::text, i.series, i.number
        FROM orders o LEFT JOIN invoices i ON i.order_id = o.id
        WHERE o.id = $1::bigint
        """
}
