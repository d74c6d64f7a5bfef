//! The DNS self-check (contract §19), asked of a small DNS server on
//! loopback: a zone that publishes everything right, then one that lacks
//! DMARC and publishes another DKIM key.

use assent::mail::dkim::{Algorithm, keygen};

use crate::support::app::spawn_app_with;
use crate::support::dns::{DnsServer, Record};

/// The rows of the check, as (check, level) pairs.
fn levels(html: &str) -> Vec<(String, String)> {
    html.split("<tr>")
        .skip(2)
        .filter_map(|row| {
            let check = row.split("<th scope=\"row\">").nth(1)?.split('<').next()?;
            let level = row.split("badge-dns-").nth(1)?.split('"').next()?;
            Some((check.to_owned(), level.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn the_check_names_each_record_and_what_to_publish_for_a_missing_one() {
    let dns = DnsServer::start();
    let keys = tempfile::tempdir().unwrap();
    let key = keygen(Algorithm::Ed25519).unwrap();
    let path = keys.path().join("news.pem");
    std::fs::write(&path, &key.pem).unwrap();
    dns.add(
        "assent.test",
        Record::Txt("v=spf1 include:relay.example ~all".into()),
    );
    dns.add(
        "assent.test",
        Record::Txt("google-site-verification=x".into()),
    );
    dns.add("assent.test", Record::Mx("mx.assent.test".into()));
    dns.add(
        "news._domainkey.assent.test",
        Record::Txt(key.record.clone()),
    );
    dns.add(
        "_dmarc.assent.test",
        Record::Txt("v=DMARC1; p=reject".into()),
    );
    let app = spawn_app_with(&[
        ("ASSENT_DNS_SERVER", &dns.address()),
        ("ASSENT_BASE_URL", "https://news.assent.test"),
        ("ASSENT_DKIM_DOMAIN", "assent.test"),
        ("ASSENT_DKIM_SELECTOR", "news"),
        ("ASSENT_DKIM_KEY", &path.display().to_string()),
    ])
    .await;
    let operator = app.signed_in().await;
    let page = operator.html("/admin/deliverability").await;
    let ok = |check: &str| (check.to_owned(), "ok".to_owned());
    assert_eq!(
        levels(&page),
        [
            ok("SPF"),
            ok("DKIM"),
            ok("DMARC"),
            ok("Alignment"),
            ok("MX"),
            ok("https")
        ],
        "{page}"
    );
}

#[tokio::test]
async fn a_missing_dmarc_and_another_dkim_key_are_errors_with_the_records_to_publish() {
    let dns = DnsServer::start();
    let keys = tempfile::tempdir().unwrap();
    let key = keygen(Algorithm::Ed25519).unwrap();
    let other = keygen(Algorithm::Ed25519).unwrap();
    let path = keys.path().join("news.pem");
    std::fs::write(&path, &key.pem).unwrap();
    dns.add(
        "news._domainkey.assent.test",
        Record::Txt(other.record.clone()),
    );
    let app = spawn_app_with(&[
        ("ASSENT_DNS_SERVER", &dns.address()),
        ("ASSENT_DKIM_DOMAIN", "assent.test"),
        ("ASSENT_DKIM_SELECTOR", "news"),
        ("ASSENT_DKIM_KEY", &path.display().to_string()),
    ])
    .await;
    let operator = app.signed_in().await;
    let page = operator.html("/admin/deliverability").await;
    let row = |check: &str, level: &str| (check.to_owned(), level.to_owned());
    assert_eq!(
        levels(&page),
        [
            row("SPF", "error"),
            row("DKIM", "error"),
            row("DMARC", "error"),
            row("Alignment", "ok"),
            row("MX", "warning"),
            row("https", "error"),
        ],
        "{page}"
    );
    assert!(
        page.contains("The published key is not the configured one"),
        "{page}"
    );
    // What to publish: the configured key, and a DMARC record.
    let p = key.record.split("p=").nth(1).unwrap();
    assert!(page.contains(p), "the configured key to publish: {page}");
    assert!(
        page.contains("_dmarc.assent.test TXT &#34;v=DMARC1; p=quarantine"),
        "{page}"
    );
}
