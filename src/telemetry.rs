//! Logging to stderr, filtered by `ASSENT_LOG`, and a span per request.
//!
//! Every request runs in a span that carries a request id, so every line it
//! causes (its database work included, on whichever thread it runs) names
//! the request. A request's line names its route's pattern, never its path:
//! paths carry link tokens, and query strings carry addresses.

use std::io::IsTerminal;
use std::time::Instant;

use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::{Level, Span};
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// Installs the subscriber; fails on a filter that does not parse.
pub fn init(filter: &str, format: LogFormat) -> Result<(), String> {
    let filter = EnvFilter::try_new(filter).map_err(|e| e.to_string())?;
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    // A JSON line carries the request's span, so its request id and route
    // are fields a log store can search on.
    let lines = match format {
        LogFormat::Text => layer.with_ansi(std::io::stderr().is_terminal()).boxed(),
        LogFormat::Json => layer.json().with_current_span(true).boxed(),
    }
    .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
        !is_connection_fault(meta)
    }));
    tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(ConnectionFaults)
        .try_init()
        .map_err(|e| e.to_string())
}

/// The HTTP/1 codec logs at ERROR what a client got wrong on its connection:
/// a request that does not parse, a body cut short. The client's fault, not
/// the server's: such lines are logged again at WARN, so that ERROR keeps
/// meaning something for the operator to look at.
struct ConnectionFaults;

fn is_connection_fault(meta: &tracing::Metadata<'_>) -> bool {
    *meta.level() == Level::ERROR && meta.target().starts_with("actix_http::h1")
}

impl<S: tracing::Subscriber> Layer<S> for ConnectionFaults {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if !is_connection_fault(event.metadata()) {
            return;
        }
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        tracing::warn!(target: "assent::http", "connection: {}", message.0);
    }
}

/// The span of each request, and its line in the log when it ends.
pub struct RequestSpan;

/// When the request began, for its duration.
struct Started(Instant);

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request.extensions_mut().insert(Started(Instant::now()));
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            route = %route,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let Ok(response) = outcome else {
            return;
        };
        let request = response.request();
        if request.path() == "/healthz" {
            return;
        }
        let took = request
            .extensions()
            .get::<Started>()
            .map(|s| s.0.elapsed())
            .unwrap_or_default();
        let ms = took.as_secs_f64() * 1000.0;
        let status = response.status().as_u16();
        if let Some(metrics) = request.app_data::<actix_web::web::Data<crate::metrics::Metrics>>() {
            let route = request
                .match_pattern()
                .unwrap_or_else(|| "unmatched".into());
            metrics.observe_request(request.method().as_str(), &route, status, took);
        }
        let _entered = span.enter();
        if status >= 500 {
            tracing::warn!(status, ms = format_args!("{ms:.1}"), "answered");
        } else {
            tracing::info!(status, ms = format_args!("{ms:.1}"), "answered");
        }
    }
}

/// `text` with the local part of every address in it masked: a relay's
/// refusal often quotes the recipient, and the log keeps no address.
pub fn redacted(text: &str) -> String {
    let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-!#$&'*/=?^`{|}~".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let before = &rest[..at];
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        out.push_str(&before[..start]);
        if start < at {
            out.push('…');
        }
        out.push('@');
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// The request id of the request being handled, for work it queues.
pub fn current_request_id(request: &actix_web::HttpRequest) -> Option<String> {
    request
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_a_log_line_keep_only_their_domain() {
        assert_eq!(
            redacted("550 5.1.1 <ada.lovelace+news@example.com>: Recipient address rejected"),
            "550 5.1.1 <…@example.com>: Recipient address rejected"
        );
        assert_eq!(redacted("a@b and c@d"), "…@b and …@d");
        assert_eq!(redacted("no address"), "no address");
        assert_eq!(redacted("@start"), "@start");
    }
}
