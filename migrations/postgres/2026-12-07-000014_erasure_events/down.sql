DROP TRIGGER ledger_erasures_kept ON ledger_erasures;
DROP FUNCTION ledger_erasures_kept();
ALTER TABLE consent_ledger DISABLE TRIGGER consent_ledger_append_only;
DELETE FROM consent_ledger WHERE erasure_id IS NOT NULL;
ALTER TABLE consent_ledger ENABLE TRIGGER consent_ledger_append_only;
ALTER TABLE consent_ledger
    DROP CONSTRAINT consent_ledger_one_subject,
    DROP COLUMN erasure_id,
    ALTER COLUMN event_id SET NOT NULL;
DROP TABLE ledger_erasures;
