//! One schema for both backends: only types that SQLite and PostgreSQL map the
//! same way (BigInt ids and Unix-millisecond times, Text, Binary, Integer).

diesel::table! {
    settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    lists (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        consent_wording -> Text,
        consent_version -> Integer,
        created_at -> BigInt,
        archived_at -> Nullable<BigInt>,
        language -> Text,
    }
}

diesel::table! {
    consent_wordings (id) {
        id -> BigInt,
        list_id -> BigInt,
        version -> Integer,
        wording -> Text,
        sha256 -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    subscribers (id) {
        id -> BigInt,
        email -> Text,
        name -> Nullable<Text>,
        created_at -> BigInt,
        /// See `SubscriberEmail::key`.
        email_key -> Text,
        /// Set by a hard bounce or a complaint, cleared by a confirmation:
        /// no broadcast goes to the address meanwhile.
        bounced_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> BigInt,
        subscriber_id -> BigInt,
        list_id -> BigInt,
        status -> Text,
        created_at -> BigInt,
        confirmed_at -> Nullable<BigInt>,
        unsubscribed_at -> Nullable<BigInt>,
        /// The last positive act: the confirmation, a reconfirmation, a
        /// rejoin from the person's own page.
        consented_at -> Nullable<BigInt>,
        /// When a reconfirmation was queued and not yet answered.
        reconfirm_sent_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    tokens (id) {
        id -> BigInt,
        token_hash -> Binary,
        purpose -> Text,
        subscription_id -> BigInt,
        created_at -> BigInt,
        expires_at -> Nullable<BigInt>,
        used_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
        /// The broadcast whose copy carried this unsubscribe link.
        broadcast_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Links mailed before links named their row, found by their hash.
    old_link_hashes (token_hash) {
        token_hash -> Binary,
        token_id -> BigInt,
    }
}

diesel::table! {
    consent_events (id) {
        id -> BigInt,
        subscription_id -> BigInt,
        act -> Text,
        channel -> Text,
        occurred_at -> BigInt,
        client_ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        source -> Nullable<Text>,
        wording_version -> Nullable<Integer>,
        wording_sha256 -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        subscription_id -> Nullable<BigInt>,
        kind -> Text,
        sender -> Text,
        recipient -> Text,
        message -> Binary,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        last_error -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        confirm_link -> Nullable<Text>,
        unsubscribe_link -> Nullable<Text>,
        /// The message's lane (`domain::message::Lane`): 0 transactional,
        /// 1 requests, 2 newsletters; the lower goes first.
        priority -> Integer,
        broadcast_id -> Nullable<BigInt>,
        /// The recipient's server refused the recipient: a hard bounce,
        /// never retried.
        refused -> Bool,
        /// When an operator had this failed copy sent once more.
        retried_at -> Nullable<BigInt>,
        /// The relay it was last handed to: `host:port`, or `files`.
        relay -> Nullable<Text>,
        /// The sequence step a copy is of.
        sequence_step_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    broadcasts (id) {
        id -> BigInt,
        list_id -> BigInt,
        subject -> Text,
        body -> Text,
        status -> Text,
        send_at -> Nullable<BigInt>,
        total -> Integer,
        cursor -> BigInt,
        queued_all -> Bool,
        created_by -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        started_at -> Nullable<BigInt>,
        finished_at -> Nullable<BigInt>,
        /// Shown in the public archive once sent.
        public -> Bool,
        /// Only the members of this segment, of its lists.
        segment_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Each consent event's digest and link in the chain (contract §11);
    /// kept when an erasure deletes the event.
    consent_ledger (position) {
        position -> BigInt,
        /// The event this link chains, or
        event_id -> Nullable<BigInt>,
        /// the erasure it does: exactly one of the two.
        erasure_id -> Nullable<BigInt>,
        digest -> Text,
        chain -> Text,
        erased_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Erasures, each a link of the chain naming the digests it erased.
    ledger_erasures (id) {
        id -> BigInt,
        occurred_at -> BigInt,
        /// A JSON array of digests, in the order of their links.
        digests -> Text,
    }
}

diesel::table! {
    /// The newest link of the chain: one row, locked by each append.
    ledger_head (id) {
        id -> Integer,
        position -> BigInt,
        chain -> Text,
        legacy_until -> BigInt,
    }
}

diesel::table! {
    /// Events appended and not linked yet: the linker's queue.
    ledger_pending (event_id) {
        event_id -> BigInt,
    }
}

diesel::table! {
    ledger_checks (id) {
        id -> BigInt,
        checked_at -> BigInt,
        events -> BigInt,
        head -> Text,
        broken_event -> Nullable<BigInt>,
        problem -> Nullable<Text>,
    }
}

diesel::table! {
    /// When the next paced message may go out, in microseconds.
    pacing (name) {
        name -> Text,
        next_at -> BigInt,
    }
}

diesel::table! {
    bounces (id) {
        id -> BigInt,
        subscriber_id -> BigInt,
        kind -> Text,
        source -> Text,
        occurred_at -> BigInt,
    }
}

diesel::table! {
    admins (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    admin_sessions (id) {
        id -> BigInt,
        token_hash -> Binary,
        admin_id -> BigInt,
        csrf_token -> Text,
        created_at -> BigInt,
        last_seen_at -> BigInt,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        email -> Text,
        client_ip -> Text,
        occurred_at -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        admin_email -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        occurred_at -> BigInt,
    }
}

diesel::table! {
    suppressions (id) {
        id -> BigInt,
        email_hmac -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    imports (id) {
        id -> BigInt,
        list_id -> BigInt,
        admin_email -> Text,
        status -> Text,
        total -> Integer,
        processed -> Integer,
        added -> Integer,
        skipped -> Integer,
        file_size -> BigInt,
        cursor_offset -> BigInt,
        cursor_line -> BigInt,
        created_at -> BigInt,
        finished_at -> Nullable<BigInt>,
        /// The file's header line, when it has one.
        header -> Nullable<Text>,
    }
}

diesel::table! {
    /// The uploaded file of an import, until the import has read it.
    import_chunks (import_id, seq) {
        import_id -> BigInt,
        seq -> Integer,
        data -> Binary,
    }
}

diesel::table! {
    /// The lines an import refused, and why.
    import_problems (id) {
        id -> BigInt,
        import_id -> BigInt,
        line -> BigInt,
        reason -> Text,
    }
}

diesel::table! {
    /// The processes running background work, and their heartbeats.
    processes (id) {
        id -> Text,
        role -> Text,
        started_at -> BigInt,
        heartbeat_at -> BigInt,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        status -> Text,
        run_at -> BigInt,
        claimed_by -> Nullable<Text>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        request_id -> Nullable<Text>,
        created_at -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    schedules (name) {
        name -> Text,
        next_run_at -> BigInt,
    }
}

diesel::table! {
    /// Every version of an edited message template (contract §15); the
    /// newest of a kind and language is in force, and one without parts
    /// returns to the built-in default.
    message_templates (id) {
        id -> BigInt,
        kind -> Text,
        lang -> Text,
        subject -> Nullable<Text>,
        html -> Nullable<Text>,
        body_text -> Nullable<Text>,
        saved_by -> Text,
        saved_at -> BigInt,
    }
}

diesel::table! {
    /// The operators' own fields on a subscriber (contract §16).
    fields (id) {
        id -> BigInt,
        key -> Text,
        kind -> Text,
        /// `LANG=label`, one a line.
        labels -> Text,
        /// A choice's options, one a line.
        options -> Text,
        required -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    /// The lists whose signup form asks for a field.
    list_fields (list_id, field_id) {
        list_id -> BigInt,
        field_id -> BigInt,
    }
}

diesel::table! {
    /// A subscriber's value of a field, as its type reads it.
    subscriber_fields (subscriber_id, field_id) {
        subscriber_id -> BigInt,
        field_id -> BigInt,
        value -> Text,
    }
}

diesel::table! {
    /// Saved segments: `rules` is a JSON array of `{what, op, value}`.
    segments (id) {
        id -> BigInt,
        name -> Text,
        matching -> Text,
        rules -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        /// How far its members were built from scratch, by subscriber id;
        /// `None` once they all were.
        built_through -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Who each segment chooses, kept behind the commit.
    segment_members (segment_id, subscriber_id) {
        segment_id -> BigInt,
        subscriber_id -> BigInt,
    }
}

diesel::table! {
    /// People whose membership of the segments may have changed.
    segment_changes (id) {
        id -> BigInt,
        subscriber_id -> BigInt,
    }
}

diesel::table! {
    /// An action on every subscriber a filter selects, walked by id.
    bulk_actions (id) {
        id -> BigInt,
        action -> Text,
        list_id -> Nullable<BigInt>,
        /// The filter as JSON.
        filter -> Text,
        operator -> Text,
        after_id -> BigInt,
        changed -> BigInt,
        unchanged -> BigInt,
        created_at -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(consent_wordings -> lists (list_id));
diesel::joinable!(subscriptions -> subscribers (subscriber_id));
diesel::joinable!(list_fields -> fields (field_id));
diesel::joinable!(subscriber_fields -> fields (field_id));
diesel::joinable!(subscriptions -> lists (list_id));
diesel::joinable!(tokens -> subscriptions (subscription_id));
diesel::joinable!(old_link_hashes -> tokens (token_id));
diesel::joinable!(consent_events -> subscriptions (subscription_id));
diesel::joinable!(outbox -> subscriptions (subscription_id));
diesel::joinable!(outbox -> broadcasts (broadcast_id));
diesel::joinable!(broadcasts -> lists (list_id));
diesel::joinable!(broadcast_lists -> broadcasts (broadcast_id));
diesel::joinable!(bounces -> subscribers (subscriber_id));
diesel::joinable!(admin_sessions -> admins (admin_id));
diesel::joinable!(imports -> lists (list_id));
diesel::joinable!(import_chunks -> imports (import_id));
diesel::joinable!(import_problems -> imports (import_id));
diesel::joinable!(sequences -> lists (list_id));
diesel::joinable!(sequence_steps -> sequences (sequence_id));
diesel::joinable!(sequence_enrolments -> sequences (sequence_id));
diesel::joinable!(sequence_enrolments -> subscriptions (subscription_id));
diesel::joinable!(outbox -> sequence_steps (sequence_step_id));

diesel::table! {
    /// A list's series of messages after a person confirms (contract §18).
    sequences (id) {
        id -> BigInt,
        list_id -> BigInt,
        name -> Text,
        active -> Bool,
        /// Enrolling those confirmed before it was activated: the last
        /// subscription enrolled; `None` when no one is left to enrol.
        enrol_after -> Nullable<BigInt>,
        created_by -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    /// A sequence's messages, numbered from 1.
    sequence_steps (id) {
        id -> BigInt,
        sequence_id -> BigInt,
        position -> Integer,
        subject -> Text,
        body -> Text,
        /// After the previous step was sent (the first: after confirming).
        delay_ms -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    /// One person in one sequence: the step that goes next and when.
    sequence_enrolments (id) {
        id -> BigInt,
        sequence_id -> BigInt,
        subscription_id -> BigInt,
        next_position -> Integer,
        /// When the previous step was sent, or the person confirmed.
        since -> BigInt,
        /// `None` while a copy is on its way, and once finished or left.
        due_at -> Nullable<BigInt>,
        enrolled_at -> BigInt,
    }
}

diesel::table! {
    /// Recipient domains held after a 4xx, until `until`.
    domain_deferrals (domain) {
        domain -> Text,
        until -> BigInt,
        wait_ms -> BigInt,
    }
}

diesel::table! {
    /// The lists a broadcast is addressed to.
    broadcast_lists (broadcast_id, list_id) {
        broadcast_id -> BigInt,
        list_id -> BigInt,
    }
}

diesel::table! {
    /// Images uploaded for broadcasts, served at `/media/{name}`.
    media (id) {
        id -> BigInt,
        name -> Text,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        bytes -> Binary,
        created_by -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        token_hash -> Binary,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    turned_away (day, reason) {
        day -> BigInt,
        reason -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    spent_challenges (challenge) {
        challenge -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    subscription_tallies (id) {
        id -> BigInt,
        list_id -> BigInt,
        status -> Text,
        ever_confirmed -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    act_tallies (id) {
        id -> BigInt,
        day -> BigInt,
        act -> Text,
        channel -> Text,
        n -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    lists,
    consent_wordings,
    subscribers,
    subscriptions,
    tokens,
    old_link_hashes,
    consent_events,
    outbox,
    admins,
    admin_sessions,
    login_failures,
    audit_log,
    suppressions,
    imports,
    import_chunks,
    import_problems,
    processes,
    jobs,
    schedules,
    broadcasts,
    broadcast_lists,
    domain_deferrals,
    media,
    pacing,
    bounces,
    consent_ledger,
    ledger_erasures,
    ledger_head,
    ledger_pending,
    ledger_checks,
    api_tokens,
    turned_away,
    spent_challenges,
    subscription_tallies,
    act_tallies,
    message_templates,
    fields,
    list_fields,
    subscriber_fields,
    segments,
    segment_members,
    segment_changes,
    bulk_actions,
    sequences,
    sequence_steps,
    sequence_enrolments,
);
