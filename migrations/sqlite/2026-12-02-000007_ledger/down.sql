DROP TABLE ledger_checks;
DROP TABLE ledger_head;
DROP TABLE consent_ledger;
