extension Migration {
    static let invoiceImmutability = Migration(version: 10, name: "invoice_immutability", sql: """
        -- Issued invoices are fiscal records: they are corrected with credit notes, never edited
        -- or removed. The one legitimate change is attaching the rendered PDF, once, after
        -- rendering finishes.
        CREATE FUNCTION invoices_forbid_changes() RETURNS trigger
        LANGUAGE plpgsql
        AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                RAISE EXCEPTION 'invoices are immutable: TRUNCATE of invoices is forbidden'
                    USING ERRCODE = 'restrict_violation',
                          HINT = 'Issued invoices are kept for fiscal retention.';
            END IF;

            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'invoice %/% is immutable: deleting an issued invoice is forbidden', OLD.series, OLD.number
                    USING ERRCODE = 'restrict_violation',
                          HINT = 'Cancel it with a credit note instead.';
            END IF;

            -- Comparing whole rows minus pdf_path keeps the guard complete when columns are
            -- added later, without this function having to list them.
            IF to_jsonb(NEW) - 'pdf_path' = to_jsonb(OLD) - 'pdf_path' AND NEW.pdf_path IS NOT NULL THEN
                IF OLD.pdf_path IS NULL THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'invoice %/% already has its PDF attached; the PDF pointer can be set only once', OLD.series, OLD.number
                    USING ERRCODE = 'restrict_violation',
                          DETAIL = format('pdf_path is %L.', OLD.pdf_path);
            END IF;

            RAISE EXCEPTION 'invoice %/% is immutable: the only allowed change is attaching its PDF once (pdf_path from NULL to a path)', OLD.series, OLD.number
                USING ERRCODE = 'restrict_violation',
                      HINT = 'Correct an issued invoice with a credit note.';
        END
        $$;

        CREATE TRIGGER invoices_immutable
            BEFORE UPDATE OR DELETE ON invoices
            FOR EACH ROW EXECUTE FUNCTION invoices_forbid_changes();

        -- Row triggers do not see TRUNCATE, which would otherwise wipe every invoice at once.
        CREATE TRIGGER invoices_no_truncate
            BEFORE TRUNCATE ON invoices
            FOR EACH STATEMENT EXECUTE FUNCTION invoices_forbid_changes();
        """)
}
