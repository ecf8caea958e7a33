extension Migration {
    static let users = Migration(version: 11, name: "users", sql: """
        -- Accounts that log in with a password and a TOTP code. The TOTP secret is sealed under
        -- the master key (SecretBox: v1:base64(nonce ‖ ciphertext ‖ tag)); a restore that lost
        -- the key keeps the rows but nobody can log in.
        CREATE TABLE users (
            id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            email           text NOT NULL CONSTRAINT users_email_key UNIQUE,
            password_hash   text NOT NULL CONSTRAINT users_password_hash_is_scrypt CHECK (password_hash LIKE '$scrypt$%'),
            totp_secret_enc text NOT NULL CONSTRAINT users_totp_secret_is_sealed CHECK (totp_secret_enc LIKE 'v1:%'),
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        """)
}
