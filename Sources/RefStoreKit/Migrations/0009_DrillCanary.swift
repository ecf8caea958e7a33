extension Migration {
    static let drillCanary = Migration(version: 9, name: "drill_canary", sql: """
        -- A secret planted before the backup; finding it again after a restore proves the data
        -- came from that backup and not from some other copy.
        CREATE TABLE drill_canary (
            token      text NOT NULL CONSTRAINT drill_canary_token_present CHECK (token <> ''),
            planted_at timestamptz NOT NULL DEFAULT now()
        );

        -- At most one canary, so "the canary" is never ambiguous.
        CREATE UNIQUE INDEX drill_canary_single_row ON drill_canary ((true));
        """)
}
