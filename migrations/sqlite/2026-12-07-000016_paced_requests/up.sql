-- Bulk mail has two lanes, paced together: requests for consent sent many
-- at a time (an import's confirmations, reconfirmations) at priority 1,
-- ahead of newsletters (broadcast copies) at priority 2. Copies still
-- waiting move to their new lane.
UPDATE outbox SET priority = 2 WHERE priority = 1 AND status = 'queued';
