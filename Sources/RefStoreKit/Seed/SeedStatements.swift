import DrillKit

/// The set-based SQL that generates a data set: one INSERT … SELECT per table, every value
/// derived from row ids through `SeedDraw`, so a plan always produces the same rows.
enum SeedStatements {
    private static let windowSeconds = String(SeedPlan.windowSeconds)

    private static func draw(_ key: String, _ stream: Int, _ modulus: String) -> String {
        SeedDraw.sql(key: key, stream: stream, modulus: modulus)
    }

    private static func draw(_ key: String, _ stream: Int, _ modulus: Int) -> String {
        SeedDraw.sql(key: key, stream: stream, modulus: modulus)
    }

    /// `$1` product count. 20 adjectives × 10 nouns name 200 products uniquely; list prices
    /// end in 99 between 2.99 and 151.99 EUR, the catalogue currency.
    static let products = """
        INSERT INTO products (id, sku, name, price_cents, currency)
        SELECT p,
               'SKU-' || lpad(p::text, 5, '0'),
               (ARRAY['Alpine', 'Brass', 'Cedar', 'Copper', 'Coral', 'Denim', 'Ember', 'Flint', 'Granite', 'Harbor',
                      'Indigo', 'Juniper', 'Linen', 'Maple', 'Marble', 'Nordic', 'Oak', 'Slate', 'Velvet', 'Willow'])[1 + (p - 1) % 20]
               || ' ' ||
               (ARRAY['Backpack', 'Blanket', 'Bottle', 'Candle', 'Chair', 'Jacket', 'Kettle', 'Lamp', 'Mug', 'Notebook'])[1 + (p - 1) / 20 % 10],
               (3 + \(draw("p", 1, 150))) * 100 - 1,
               'EUR'
        FROM generate_series(1::bigint, $1::bigint) AS p
        """

    /// `$1` customer count, `$2` the window's start. Customers sign up evenly over the window in id order, so an order
    /// can always pick a customer who already existed when it was placed.
    static let customers = """
        INSERT INTO customers (id, email, name, created_at)
        SELECT c,
               lower(n.first_name || '.' || n.last_name) || '.' || c || '@example.test',
               n.first_name || ' ' || n.last_name,
               $2::timestamptz + ((c - 1) * \(windowSeconds) / $1::bigint) * interval '1 second'
        FROM generate_series(1::bigint, $1::bigint) AS c
        CROSS JOIN LATERAL (
            SELECT (ARRAY['Ada', 'Alan', 'Amara', 'Ana', 'Arjun', 'Astrid', 'Bea', 'Bruno', 'Camille', 'Chen',
                          'Dara', 'Diego', 'Elif', 'Emil', 'Fatima', 'Felix', 'Grace', 'Hugo', 'Ines', 'Ivan',
                          'Jana', 'Jonas', 'Kenji', 'Lea', 'Liam', 'Lucia', 'Malik', 'Maya', 'Nadia', 'Noah',
                          'Olga', 'Omar', 'Paula', 'Quinn', 'Rosa', 'Sami', 'Sofia', 'Tariq', 'Vera', 'Yusuf'])[1 + \(draw("c", 1, 40))] AS first_name,
                   (ARRAY['Adler', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ibrahim', 'Jansen',
                          'Kowalski', 'Larsen', 'Meyer', 'Novak', 'Okafor', 'Petrov', 'Quist', 'Rossi', 'Schmidt', 'Tanaka',
                          'Ueda', 'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zimmer', 'Moreau', 'Lindqvist', 'Horvat', 'Nowak',
                          'Silva', 'Brennan', 'Keller', 'Vogel', 'Marchetti', 'Sato', 'Haddad', 'Oliveira', 'Bianchi', 'Kaur'])[1 + \(draw("c", 2, 40))] AS last_name
        ) AS n
        """

    /// `$1` order count, `$2` customer count, `$3` product count (200: the line products step
    /// by 53, coprime to it, so an order's lines never repeat a product).
    ///
    /// Orders and lines come from one statement. Each order's lines are drafted twice from the
    /// same `linesOfOrder` SQL, once summed into the order total and once inserted, which is
    /// cheaper than materialising two million lines and grouping them back by order. The
    /// `OFFSET 0` fences stop the planner from inlining one draw's result into the next draw's
    /// key, which would multiply the expression text (and the work) eightfold per level.
    static let ordersAndLines = """
        WITH currencies (code, rate_per_10000, share_from, share_to) AS (
            -- The customer's currency (fixed per customer) and a fixed conversion from EUR list prices.
            VALUES ('EUR', 10000, 0, 50), ('USD', 10850, 50, 70), ('GBP', 8550, 70, 82),
                   ('CHF', 9400, 82, 90), ('SEK', 114500, 90, 95), ('PLN', 43000, 95, 100)
        ),
        list_prices AS (
            -- Product ids are 1...$3, so a price is an array lookup instead of a join per line.
            SELECT array_agg(price_cents ORDER BY id) AS cents FROM products
        ),
        timed AS (
            -- Order i falls in the i-th of N equal slices of the window: ids grow with time.
            SELECT i AS id, ((i - 1) * \(windowSeconds) + \(draw("i", 1, windowSeconds))) / $1::bigint AS offset_seconds
            FROM generate_series(1::bigint, $1::bigint) AS i
            OFFSET 0
        ),
        eligible AS (
            -- Customers registered by then, less every tenth one: those never order.
            SELECT id, offset_seconds, registered - registered / 10 AS buyers
            FROM timed
            CROSS JOIN LATERAL (SELECT least($2::bigint, offset_seconds * $2::bigint / \(windowSeconds) + 1) AS registered) AS r
            OFFSET 0
        ),
        picked AS (
            SELECT id, offset_seconds, \(draw("id", 2, "buyers")) AS buyer_index
            FROM eligible
            OFFSET 0
        ),
        order_plans AS (
            -- customer_id: the buyer_index-th customer whose id is not a multiple of ten.
            SELECT p.id, p.buyer_index + p.buyer_index / 9 + 1 AS customer_id, p.offset_seconds, d.status_draw, d.lines_draw
            FROM picked AS p
            CROSS JOIN LATERAL (SELECT \(draw("p.id", 4, 100)) AS status_draw, \(draw("p.id", 5, 10)) AS lines_draw OFFSET 0) AS d
            OFFSET 0
        ),
        priced_orders AS (
            SELECT o.id, o.customer_id, cur.code AS currency, cur.rate_per_10000,
                   CASE WHEN o.status_draw < 10 THEN 'paid'
                        WHEN o.status_draw < 22 THEN 'shipped'
                        WHEN o.status_draw < 92 THEN 'delivered'
                        ELSE 'refunded' END AS status,
                   $4::timestamptz + o.offset_seconds * interval '1 second' AS created_at,
                   CASE WHEN o.lines_draw < 4 THEN 1 WHEN o.lines_draw < 7 THEN 2 WHEN o.lines_draw < 9 THEN 3 ELSE 4 END AS line_count
            FROM order_plans AS o
            CROSS JOIN LATERAL (SELECT \(draw("o.customer_id", 3, 100)) AS currency_draw OFFSET 0) AS c
            JOIN currencies AS cur ON c.currency_draw >= cur.share_from AND c.currency_draw < cur.share_to
            OFFSET 0
        ),
        order_drafts AS MATERIALIZED (
            SELECT o.*, totals.total_cents,
                   -- Line ids number all lines densely in (order, position) order.
                   sum(o.line_count) OVER (ORDER BY o.id) - o.line_count AS lines_before
            FROM priced_orders AS o
            CROSS JOIN list_prices AS prices
            CROSS JOIN LATERAL (SELECT sum(line.line_total_cents) AS total_cents FROM (\(linesOfOrder)) AS line) AS totals
        ),
        new_orders AS (
            INSERT INTO orders (id, customer_id, currency, total_cents, status, created_at)
            SELECT id, customer_id, currency, total_cents, status, created_at FROM order_drafts
        )
        INSERT INTO order_lines (id, order_id, position, product_id, quantity, unit_price_cents, line_total_cents)
        SELECT o.lines_before + line.position, o.id, line.position, line.product_id, line.quantity,
               line.unit_price_cents, line.line_total_cents
        FROM order_drafts AS o
        CROSS JOIN list_prices AS prices
        CROSS JOIN LATERAL (\(linesOfOrder)) AS line
        """

    /// The lines of order `o` (with `prices` in scope), as a subquery. 1–4 distinct products,
    /// mostly one of each, priced in the order's currency.
    private static let linesOfOrder = """
        SELECT pos AS position, d.product_id, d.quantity, u.unit_price_cents, d.quantity * u.unit_price_cents AS line_total_cents
                FROM generate_series(1, o.line_count) AS pos
                CROSS JOIN LATERAL (
                    SELECT 1 + (\(draw("o.id", 6, "$3::bigint")) + (pos - 1) * 53) % $3::bigint AS product_id,
                           CASE WHEN x.quantity_draw < 6 THEN 1 WHEN x.quantity_draw < 8 THEN 2 WHEN x.quantity_draw < 9 THEN 3 ELSE 5 END AS quantity
                    FROM (SELECT \(draw("o.id * 4 + pos", 7, 10)) AS quantity_draw OFFSET 0) AS x
                ) AS d
                CROSS JOIN LATERAL (SELECT (prices.cents[d.product_id] * o.rate_per_10000 + 5000) / 10000 AS unit_price_cents) AS u
        """

    /// One invoice per order, issued up to two days after the order. Numbers count up from 1
    /// in each calendar-year series in issue order, exactly what `issue_invoice` would have
    /// produced one at a time. PDFs of the last three days are still "rendering" (NULL).
    static let invoices = """
        INSERT INTO invoices (id, order_id, series, number, issued_at, total_cents, currency, pdf_path)
        SELECT id, order_id, series, number, issued_at, total_cents, currency,
               CASE WHEN issued_at < $1::timestamptz - interval '3 days'
                    THEN 'invoices/' || series || '/' || series || '-' || lpad(number::text, 7, '0') || '.pdf'
               END
        FROM (
            SELECT row_number() OVER (ORDER BY issued_at, order_id) AS id,
                   order_id, series,
                   row_number() OVER (PARTITION BY series ORDER BY issued_at, order_id) AS number,
                   issued_at, total_cents, currency
            FROM (
                SELECT o.id AS order_id, o.total_cents, o.currency,
                       o.created_at + \(draw("o.id", 8, 172_800)) * interval '1 second' AS issued_at
                FROM orders AS o
            ) AS issued
            CROSS JOIN LATERAL (SELECT to_char(issued_at AT TIME ZONE 'UTC', 'YYYY') AS series) AS s
        ) AS numbered
        """

    /// Each series continues right after its last seeded number.
    static let invoiceCounters = """
        INSERT INTO invoice_counters (series, next_value)
        SELECT series, max(number) + 1 FROM invoices GROUP BY series
        """

    /// The identity sequence of `table` resumes after the explicit ids the seed wrote.
    static func resumeIdentity(of table: String) -> String {
        "SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce(max(id), 0) + 1, false) FROM \(table.sqlIdentifier)"
    }
}
