extension Migration {
    static let invoiceCounters = Migration(version: 7, name: "invoice_counters", sql: """
        -- A sequence would leave gaps (nextval is not rolled back), which invoice law forbids.
        -- A counter row updated in the issuing transaction rolls back with it instead; the row
        -- lock also serialises concurrent issuers within a series.
        CREATE TABLE invoice_counters (
            series     text PRIMARY KEY CONSTRAINT invoice_counters_series_is_year CHECK (series ~ '^[0-9]{4}$'),
            next_value bigint NOT NULL DEFAULT 1 CONSTRAINT invoice_counters_next_value_positive CHECK (next_value > 0)
        );
        """)
}
