extension Migration {
    static let issueInvoice = Migration(version: 8, name: "issue_invoice", sql: """
        -- Issues the invoice for one order with the next gapless number of the series named by
        -- the UTC year of p_issued_at. Call it inside the transaction that should own the
        -- number: the counter row stays locked until that transaction ends, and a rollback
        -- returns the number, so committed numbers never skip.
        CREATE FUNCTION issue_invoice(p_order_id bigint, p_issued_at timestamptz DEFAULT now())
        RETURNS invoices
        LANGUAGE plpgsql
        AS $$
        DECLARE
            v_order   orders%ROWTYPE;
            v_series  text := to_char(p_issued_at AT TIME ZONE 'UTC', 'YYYY');
            v_number  bigint;
            v_invoice invoices%ROWTYPE;
        BEGIN
            -- Locking the order first makes two issuers of the same order queue here rather
            -- than both drawing a number.
            SELECT * INTO v_order FROM orders WHERE id = p_order_id FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'cannot issue an invoice: order % does not exist', p_order_id
                    USING ERRCODE = 'no_data_found';
            END IF;
            IF EXISTS (SELECT 1 FROM invoices WHERE order_id = p_order_id) THEN
                RAISE EXCEPTION 'cannot issue an invoice: order % is already invoiced', p_order_id
                    USING ERRCODE = 'unique_violation';
            END IF;

            INSERT INTO invoice_counters (series) VALUES (v_series) ON CONFLICT (series) DO NOTHING;
            UPDATE invoice_counters
               SET next_value = next_value + 1
             WHERE series = v_series
            RETURNING next_value - 1 INTO v_number;

            INSERT INTO invoices (order_id, series, number, issued_at, total_cents, currency)
            VALUES (v_order.id, v_series, v_number, p_issued_at, v_order.total_cents, v_order.currency)
            RETURNING * INTO v_invoice;
            RETURN v_invoice;
        END
        $$;
        """)
}
