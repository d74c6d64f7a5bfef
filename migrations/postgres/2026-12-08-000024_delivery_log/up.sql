-- The delivery record (contract §19): the relay each message was last
-- handed to, beside its status, attempts and the relay's last reply.
ALTER TABLE outbox ADD COLUMN relay TEXT;
