DROP INDEX outbox_sequence_step;
ALTER TABLE outbox DROP COLUMN sequence_step_id;
DROP TABLE sequence_enrolments;
DROP TABLE sequence_steps;
DROP TABLE sequences;
