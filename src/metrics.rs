//! What `GET /metrics` reports, in the Prometheus text format (contract
//! §13). Counters are this process's own since it started, as Prometheus
//! expects of every scraped target; the outbox gauges are read from the
//! database at each scrape, so they agree across processes.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::db::outbox::Depth;
use crate::domain::MessageKind;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    /// The route's pattern (`/confirm/{token}`), never the path itself:
    /// paths carry link tokens.
    pub route: String,
    pub status: u16,
}

pub struct Metrics {
    registry: Registry,
    pub signups: Counter,
    pub confirmations: Counter,
    pub unsubscribes: Counter,
    /// Form posts that filled the trap field, dropped.
    pub honeypot: Counter,
    /// Signups refused for a missing, wrong, expired or replayed proof of work.
    pub pow_refused: Counter,
    pub messages_sent: Family<KindLabel, Counter>,
    pub messages_failed: Family<KindLabel, Counter>,
    outbox_queued: Family<KindLabel, Gauge>,
    outbox_oldest: Gauge<f64, std::sync::atomic::AtomicU64>,
    http: Family<RouteLabels, Histogram>,
    /// The last count of the outbox, and when it was made.
    depth: std::sync::Mutex<Option<(std::time::Instant, Depth)>>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("assent");
        let signups = Counter::default();
        registry.register(
            "signups",
            "Signups accepted, from the form and the API",
            signups.clone(),
        );
        let confirmations = Counter::default();
        registry.register(
            "confirmations",
            "Subscriptions confirmed with the button of a confirmation message",
            confirmations.clone(),
        );
        let unsubscribes = Counter::default();
        registry.register(
            "unsubscribes",
            "Subscriptions ended with an unsubscribe link or the one-click POST",
            unsubscribes.clone(),
        );
        let honeypot = Counter::default();
        registry.register(
            "honeypot",
            "Signup form posts that filled the field people do not see, dropped",
            honeypot.clone(),
        );
        let pow_refused = Counter::default();
        registry.register(
            "pow_refused",
            "Signups refused for a missing, wrong, expired or replayed proof of work",
            pow_refused.clone(),
        );
        let messages_sent = Family::<KindLabel, Counter>::default();
        registry.register(
            "messages_sent",
            "Messages the SMTP server accepted, by kind",
            messages_sent.clone(),
        );
        let messages_failed = Family::<KindLabel, Counter>::default();
        registry.register(
            "messages_failed",
            "Messages given up on after a refusal or the last retry, by kind",
            messages_failed.clone(),
        );
        let outbox_queued = Family::<KindLabel, Gauge>::default();
        registry.register(
            "outbox_queued",
            "Messages waiting in the outbox, by kind",
            outbox_queued.clone(),
        );
        let outbox_oldest = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "outbox_oldest_queued_seconds",
            "Age of the oldest message waiting in the outbox",
            outbox_oldest.clone(),
        );
        let http = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ])
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern",
            http.clone(),
        );
        // Every kind from the start, so that a rate over them is defined
        // before the first message of a kind goes out.
        for kind in MessageKind::ALL {
            let label = KindLabel {
                kind: kind.as_str().into(),
            };
            messages_sent.get_or_create(&label).inc_by(0);
            messages_failed.get_or_create(&label).inc_by(0);
        }
        Self {
            registry,
            signups,
            confirmations,
            unsubscribes,
            honeypot,
            pow_refused,
            messages_sent,
            messages_failed,
            outbox_queued,
            outbox_oldest,
            http,
            depth: std::sync::Mutex::new(None),
        }
    }
}

impl Metrics {
    /// One answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.http
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .observe(took.as_secs_f64());
    }

    pub fn sent(&self, kind: &str) {
        self.messages_sent
            .get_or_create(&KindLabel { kind: kind.into() })
            .inc();
    }

    pub fn failed(&self, kind: &str) {
        self.messages_failed
            .get_or_create(&KindLabel { kind: kind.into() })
            .inc();
    }

    /// The outbox as last counted, if that was less than `fresh` ago.
    pub fn recent_depth(&self, fresh: Duration) -> Option<Depth> {
        let kept = self.depth.lock().ok()?;
        kept.as_ref()
            .filter(|(at, _)| at.elapsed() < fresh)
            .map(|(_, depth)| depth.clone())
    }

    pub fn keep_depth(&self, depth: Depth) {
        if let Ok(mut kept) = self.depth.lock() {
            *kept = Some((std::time::Instant::now(), depth));
        }
    }

    /// The exposition in `format`, with the outbox as `depth` says it is
    /// now: (kind, queued) pairs, and the age of the oldest queued message.
    pub fn render(
        &self,
        format: Format,
        depth: &[(String, i64)],
        oldest: Option<Duration>,
    ) -> String {
        self.outbox_queued.clear();
        for kind in MessageKind::ALL {
            self.outbox_queued
                .get_or_create(&KindLabel {
                    kind: kind.as_str().into(),
                })
                .set(0);
        }
        for (kind, n) in depth {
            self.outbox_queued
                .get_or_create(&KindLabel { kind: kind.clone() })
                .set(*n);
        }
        self.outbox_oldest
            .set(oldest.map_or(0.0, |d| d.as_secs_f64()));
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "encoding the metrics");
        }
        match format {
            Format::OpenMetrics => out,
            Format::Prometheus => prometheus_text(&out),
        }
    }
}

/// The two formats a scraper may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Prometheus text 0.0.4: what `promtool` and most tools read.
    Prometheus,
    /// OpenMetrics 1.0, for a scraper whose `Accept` names it.
    OpenMetrics,
}

impl Format {
    /// From the request's `Accept` header: OpenMetrics only when asked.
    pub fn from_accept(accept: Option<&str>) -> Self {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Format::OpenMetrics,
            _ => Format::Prometheus,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// OpenMetrics text, as the encoder writes it, turned into Prometheus text
/// 0.0.4: a counter's `HELP` and `TYPE` name its samples (`x_total`, not
/// `x`), and the `UNIT` and `EOF` lines, which 0.0.4 lacks, go.
fn prometheus_text(open_metrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = open_metrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(open_metrics.len());
    for line in open_metrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let rewritten = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            let tail = match *prefix {
                // OpenMetrics escapes a quote in help text; 0.0.4 does not.
                "# HELP " => tail.replace("\\\"", "\""),
                _ => tail.to_owned(),
            };
            let name = match counters.contains(name) {
                true => format!("{name}_total"),
                false => name.to_owned(),
            };
            Some(format!("{prefix}{name} {tail}"))
        });
        match rewritten {
            Some(line) => out.push_str(&line),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_named_by_their_samples_in_prometheus_text() {
        let open = "# HELP a_signups Signups \\\"taken\\\".\n# TYPE a_signups counter\n\
                    a_signups_total 3\n# HELP a_age Age.\n# TYPE a_age gauge\n# UNIT a_age seconds\n\
                    a_age 1.5\n# EOF\n";
        assert_eq!(
            prometheus_text(open),
            "# HELP a_signups_total Signups \"taken\".\n# TYPE a_signups_total counter\n\
             a_signups_total 3\n# HELP a_age Age.\n# TYPE a_age gauge\na_age 1.5\n"
        );
    }
}
