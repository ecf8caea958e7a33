extension Migration {
    static let currencyCode = Migration(version: 1, name: "currency_code", sql: """
        -- Every money amount is integer cents next to an ISO 4217 code; one domain keeps the
        -- code's shape identical in every table that stores money.
        CREATE DOMAIN currency_code AS text
            CONSTRAINT currency_code_iso_4217 CHECK (VALUE ~ '^[A-Z]{3}$');
        """)
}
