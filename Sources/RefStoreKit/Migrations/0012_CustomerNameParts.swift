extension Migration {
    /// Release 2.0: a customer's name in two parts, backfilled from the one column 1.x kept.
    static let customerNameParts = Migration(version: 12, name: "customer_name_parts", sql: """
        ALTER TABLE customers ADD COLUMN first_name text, ADD COLUMN last_name text;

        -- Everything before the first space is the first name, the rest the last name.
        UPDATE customers
        SET first_name = split_part(name, ' ', 1),
            last_name  = CASE WHEN position(' ' IN name) > 0 THEN substr(name, position(' ' IN name) + 1) ELSE '' END;

        ALTER TABLE customers
            ALTER COLUMN first_name SET NOT NULL,
            ALTER COLUMN last_name SET NOT NULL,
            ADD CONSTRAINT customers_first_name_present CHECK (first_name <> '');
        """)
}
