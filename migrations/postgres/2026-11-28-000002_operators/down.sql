DROP INDEX consent_events_occurred;
DROP INDEX subscriptions_subscriber;
DROP TABLE imports;
DROP TABLE suppressions;
DROP TABLE audit_log;
DROP TABLE login_failures;
DROP TABLE admin_sessions;
DROP TABLE admins;
