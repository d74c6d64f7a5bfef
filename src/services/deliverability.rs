//! The DNS self-check (contract §19): what the big providers look up before
//! they take bulk mail (SPF, DKIM, DMARC and its policy, alignment of From
//! with the DKIM domain, MX) and whether one-click unsubscribe can work
//! (an https base URL), each line ok, a warning or an error, with what to
//! publish. Asked of a real resolver: the system's, or `ASSENT_DNS_SERVER`.

use std::net::SocketAddr;

use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ProtocolConfig, ResolverConfig,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{Resolver, TokioResolver};

use crate::config::DkimSettings;

/// How a line of the check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// What a line says, as catalog ids with their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// `spf`, `dkim`, `dmarc`, `alignment`, `mx`, `https`.
    pub check: &'static str,
    /// The name looked up, or the setting read.
    pub name: String,
    pub level: Level,
    /// The catalog id of what was found.
    pub finding: &'static str,
    /// The record as found, when one was.
    pub found: Option<String>,
    /// The record to publish: `NAME TXT "VALUE"`, when one would help.
    pub publish: Option<String>,
}

/// What the check looks at, from the settings.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The domain of the From address.
    pub from_domain: String,
    pub dkim: Option<DkimSettings>,
    pub https: bool,
    /// `ASSENT_DNS_SERVER`; the system's resolver otherwise.
    pub dns_server: Option<SocketAddr>,
}

/// What DNS answered, fetched once; the lines are made from it alone.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub from_txt: Vec<String>,
    pub dmarc_txt: Vec<String>,
    /// Per DKIM selector: its TXT records.
    pub dkim_txt: Vec<(String, Vec<String>)>,
    pub mx: Vec<String>,
}

fn resolver(server: Option<SocketAddr>) -> Result<TokioResolver, String> {
    let provider = TokioRuntimeProvider::default();
    let builder = match server {
        Some(address) => {
            let mut udp = ConnectionConfig::new(ProtocolConfig::Udp);
            udp.port = address.port();
            let mut tcp = ConnectionConfig::new(ProtocolConfig::Tcp);
            tcp.port = address.port();
            let server = NameServerConfig::new(address.ip(), true, vec![udp, tcp]);
            Resolver::builder_with_config(
                ResolverConfig::from_parts(None, vec![], vec![server]),
                provider,
            )
        }
        None => Resolver::builder(provider).map_err(|e| e.to_string())?,
    };
    builder.build().map_err(|e| e.to_string())
}

async fn txt(resolver: &TokioResolver, name: &str) -> Vec<String> {
    match resolver.txt_lookup(format!("{name}.")).await {
        Ok(found) => found
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn mx(resolver: &TokioResolver, name: &str) -> Vec<String> {
    match resolver.mx_lookup(format!("{name}.")).await {
        Ok(found) => found
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::MX(mx) => Some(mx.exchange.to_utf8()),
                _ => None,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Asks DNS for what the lines need.
pub async fn fetch(inputs: &Inputs) -> Result<Found, String> {
    let resolver = resolver(inputs.dns_server)?;
    let domain = &inputs.from_domain;
    let mut dkim_txt = Vec::new();
    if let Some(dkim) = &inputs.dkim {
        for selector in &dkim.selectors {
            let name = format!("{selector}._domainkey.{}", dkim.domain);
            dkim_txt.push((selector.clone(), txt(&resolver, &name).await));
        }
    }
    Ok(Found {
        from_txt: txt(&resolver, domain).await,
        dmarc_txt: txt(&resolver, &format!("_dmarc.{domain}")).await,
        dkim_txt,
        mx: mx(&resolver, domain).await,
    })
}

/// The value of `tag` in a `tag=value; …` record.
fn tag<'a>(record: &'a str, tag: &str) -> Option<&'a str> {
    record.split(';').find_map(|part| {
        let (name, value) = part.split_once('=')?;
        (name.trim().eq_ignore_ascii_case(tag)).then(|| value.trim())
    })
}

fn line(check: &'static str, name: &str, level: Level, finding: &'static str) -> Line {
    Line {
        check,
        name: name.to_owned(),
        level,
        finding,
        found: None,
        publish: None,
    }
}

/// Whether `a` and `b` are the same organisational domain, as relaxed
/// DMARC alignment takes them: one is the other or a name under it.
fn aligned(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

/// The lines, from what DNS answered; `keys` holds each selector's
/// configured public key (`p=`), or why it could not be read.
pub fn lines(inputs: &Inputs, found: &Found, keys: &[Result<String, String>]) -> Vec<Line> {
    let domain = &inputs.from_domain;
    let mut lines = Vec::new();

    let spf: Vec<&String> = found
        .from_txt
        .iter()
        .filter(|r| r.to_ascii_lowercase().starts_with("v=spf1"))
        .collect();
    lines.push(match spf.as_slice() {
        [] => Line {
            publish: Some(format!("{domain} TXT \"v=spf1 include:RELAY ~all\"")),
            ..line("spf", domain, Level::Error, "dns-spf-missing")
        },
        [one] if one.trim_end().ends_with("+all") => Line {
            found: Some((*one).clone()),
            ..line("spf", domain, Level::Warning, "dns-spf-all")
        },
        [one] => Line {
            found: Some((*one).clone()),
            ..line("spf", domain, Level::Ok, "dns-spf-ok")
        },
        _ => Line {
            found: Some(
                spf.iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            ),
            ..line("spf", domain, Level::Error, "dns-spf-several")
        },
    });

    match &inputs.dkim {
        None => lines.push(Line {
            publish: Some("assent dkim keygen".into()),
            ..line("dkim", domain, Level::Error, "dns-dkim-unsigned")
        }),
        Some(dkim) => {
            for (i, (selector, records)) in found.dkim_txt.iter().enumerate() {
                let name = format!("{selector}._domainkey.{}", dkim.domain);
                let published = records.iter().find(|r| tag(r, "p").is_some()).cloned();
                let expected = keys.get(i).cloned().unwrap_or_else(|| Err(String::new()));
                let record = |p: &str| {
                    let kind = if p.len() < 60 { "ed25519" } else { "rsa" };
                    format!("{name} TXT \"v=DKIM1; k={kind}; p={p}\"")
                };
                lines.push(match (published, expected) {
                    (_, Err(_)) => line("dkim", &name, Level::Error, "dns-dkim-key-unreadable"),
                    (None, Ok(p)) => Line {
                        publish: Some(record(&p)),
                        ..line("dkim", &name, Level::Error, "dns-dkim-missing")
                    },
                    (Some(found), Ok(p)) if tag(&found, "p") == Some(p.as_str()) => Line {
                        found: Some(found),
                        ..line("dkim", &name, Level::Ok, "dns-dkim-ok")
                    },
                    (Some(found), Ok(p)) => Line {
                        found: Some(found),
                        publish: Some(record(&p)),
                        ..line("dkim", &name, Level::Error, "dns-dkim-other-key")
                    },
                });
            }
        }
    }

    let dmarc_name = format!("_dmarc.{domain}");
    let dmarc = found
        .dmarc_txt
        .iter()
        .find(|r| r.to_ascii_lowercase().starts_with("v=dmarc1"));
    let suggested =
        format!("{dmarc_name} TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@{domain}\"");
    lines.push(match dmarc {
        None => Line {
            publish: Some(suggested),
            ..line("dmarc", &dmarc_name, Level::Error, "dns-dmarc-missing")
        },
        Some(record) => match tag(record, "p").map(str::to_ascii_lowercase).as_deref() {
            Some("quarantine" | "reject") => Line {
                found: Some(record.clone()),
                ..line("dmarc", &dmarc_name, Level::Ok, "dns-dmarc-ok")
            },
            _ => Line {
                found: Some(record.clone()),
                publish: Some(suggested),
                ..line("dmarc", &dmarc_name, Level::Warning, "dns-dmarc-none")
            },
        },
    });

    lines.push(match &inputs.dkim {
        Some(dkim) if aligned(&dkim.domain, domain) => Line {
            found: Some(dkim.domain.clone()),
            ..line("alignment", domain, Level::Ok, "dns-alignment-ok")
        },
        Some(dkim) => Line {
            found: Some(dkim.domain.clone()),
            ..line("alignment", domain, Level::Error, "dns-alignment-off")
        },
        None => line("alignment", domain, Level::Error, "dns-alignment-unsigned"),
    });

    lines.push(if found.mx.is_empty() {
        line("mx", domain, Level::Warning, "dns-mx-missing")
    } else {
        Line {
            found: Some(found.mx.join(", ")),
            ..line("mx", domain, Level::Ok, "dns-mx-ok")
        }
    });

    lines.push(if inputs.https {
        line("https", "ASSENT_BASE_URL", Level::Ok, "dns-https-ok")
    } else {
        line(
            "https",
            "ASSENT_BASE_URL",
            Level::Error,
            "dns-https-missing",
        )
    });
    lines
}

/// What the check reads of the settings that the policy does not hold.
#[derive(Debug, Clone)]
pub struct DnsSettings {
    pub dkim: Option<DkimSettings>,
    pub server: Option<SocketAddr>,
}

/// The check's inputs as the settings in force give them: the From
/// address may have been changed from the admin.
pub fn inputs(services: &super::Services) -> Inputs {
    let policy = services.policy();
    Inputs {
        from_domain: policy.sender.email.domain().to_owned(),
        dkim: services.dns.dkim.clone(),
        https: policy.base_url.scheme() == "https",
        dns_server: services.dns.server,
    }
}

/// Every line of the check, asked of DNS now.
pub async fn check(inputs: &Inputs) -> Result<Vec<Line>, String> {
    let found = fetch(inputs).await?;
    let keys: Vec<Result<String, String>> = inputs
        .dkim
        .iter()
        .flat_map(|d| d.keys.iter())
        .map(|path| crate::mail::dkim::public_key(path))
        .collect();
    Ok(lines(inputs, &found, &keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxed_alignment_takes_a_domain_and_the_names_under_it() {
        assert!(aligned("example.com", "news.example.com"));
        assert!(aligned("News.Example.com", "news.example.com"));
        assert!(!aligned("example.com", "badexample.com"));
        assert_eq!(tag("v=DMARC1; p=reject; rua=x", "p"), Some("reject"));
    }
}
