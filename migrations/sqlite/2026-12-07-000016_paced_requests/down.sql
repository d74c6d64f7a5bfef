UPDATE outbox SET priority = 1 WHERE priority = 2;
