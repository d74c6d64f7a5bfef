//! Where imports, broadcasts and background jobs stand, and the kinds of
//! background work: the values their rows hold.

use super::sql::text_enum;

text_enum!(
    /// Where an import stands.
    ImportStatus {
        /// The file is still arriving.
        Uploading => "uploading",
        /// Its job is working through the file.
        Running => "running",
        Done => "done",
        Failed => "failed",
    }
);

text_enum!(
    /// The kinds of background work; each has its module under `jobs/`.
    JobKind {
        /// Works through an uploaded CSV file.
        Import => "import",
        /// Deletes finished messages and dead links (hourly).
        Housekeeping => "housekeeping",
        /// Queues a broadcast's copies and sees it to its end.
        Broadcast => "broadcast",
        /// Checks the consent ledger (daily).
        VerifyLedger => "verify_ledger",
        /// Runs the clocks of retention and re-permission (hourly, or more
        /// often when a clock is short).
        Retention => "retention",
        /// Posts one event to `ASSENT_WEBHOOK_URL`.
        Webhook => "webhook",
        /// Applies an action to every subscriber a filter selects.
        Bulk => "bulk",
        /// Enrols and queues the sequences' due steps (every few seconds).
        Sequences => "sequences",
    }
);

text_enum!(
    /// Where a broadcast stands.
    BroadcastStatus {
        /// Being written; the only state in which it can be edited.
        Draft => "draft",
        /// Waits for its `send_at`.
        Scheduled => "scheduled",
        Sending => "sending",
        /// Stopped for now; resumes where it was.
        Paused => "paused",
        /// Every copy went, or was skipped or failed.
        Sent => "sent",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// Where a job stands. A queued job is running while a process holds it.
    JobStatus {
        Queued => "queued",
        Done => "done",
        Failed => "failed",
    }
);
