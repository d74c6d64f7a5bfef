//! The per-address resend caps, driven through the signup flow with a
//! controlled clock on a real SQLite database.

use std::time::Duration;

use assent::config::{DatabaseUrl, Settings};
use assent::db::{Database, lists};
use assent::domain::{Channel, Evidence, SubscriberEmail};
use assent::double_opt_in::{FlowContext, SignupOutcome, SignupRequest, signup};
use assent::mail::Composer;

use crate::support::app::fresh_database_url;

const MINUTE: i64 = 60_000;

fn context() -> FlowContext {
    let settings = Settings::from_lookup(|_| None).expect("defaults");
    FlowContext {
        composer: Composer::new(
            settings.mail_from,
            url::Url::parse("http://127.0.0.1:8080").expect("url"),
            "Example Org".into(),
            String::new(),
            Duration::from_secs(48 * 3600),
        ),
        confirm_ttl: Duration::from_secs(48 * 3600),
        default_list: "newsletter".into(),
    }
}

#[test]
fn a_pending_address_gets_at_most_one_mail_per_ten_minutes_and_five_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&fresh_database_url(&dir)).unwrap();
    let db = Database::connect(&url).unwrap();
    db.migrate().unwrap();
    let mut conn = db.write_conn().unwrap();
    let start: i64 = 1_800_000_000_000;
    lists::ensure_default(&mut conn, "Newsletter", "Example Org", start).unwrap();
    let ctx = context();
    let request = SignupRequest {
        email: SubscriberEmail::parse("caps@example.com").unwrap(),
        name: None,
        list: None,
        channel: Channel::Form,
        evidence: Evidence::default(),
    };
    let mut queued_at = Vec::new();
    // A signup every 4 minutes for a day.
    for step in 0..(24 * 60 / 4) {
        let now = start + step * 4 * MINUTE;
        match signup(&mut conn, &ctx, &request, now).unwrap() {
            SignupOutcome::Accepted { queued: true, .. } => queued_at.push(now),
            SignupOutcome::Accepted { queued: false, .. } => {}
            SignupOutcome::UnknownList => panic!("the default list exists"),
        }
    }
    assert_eq!(queued_at.len(), 5, "five a day");
    for pair in queued_at.windows(2) {
        assert!(pair[1] - pair[0] >= 10 * MINUTE, "ten minutes apart");
    }
    // The next day the address may be mailed again.
    let tomorrow = start + 24 * 60 * MINUTE + MINUTE;
    assert_eq!(
        signup(&mut conn, &ctx, &request, tomorrow).unwrap(),
        SignupOutcome::Accepted {
            list_name: "Newsletter".into(),
            queued: true
        }
    );
}
