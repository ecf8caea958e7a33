extension Migration {
    /// Release 2.0, hand-written and irreversible: the single name column goes. There is no
    /// down migration; the way back to 1.x is the backup taken before the upgrade.
    static let dropCustomerName = Migration(version: 13, name: "drop_customer_name", sql: """
        ALTER TABLE customers DROP COLUMN name;
        """)
}
