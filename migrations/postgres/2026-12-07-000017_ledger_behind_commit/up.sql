-- Events are linked into the chain behind the commit that appends them
-- (contract §11): the appending transaction only notes the event here,
-- and the linker takes these notes in batches, under the head's lock, so
-- that no signup waits for another's link.
CREATE TABLE ledger_pending (
    event_id BIGINT PRIMARY KEY
);
