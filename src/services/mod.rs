//! What people do: visitors and recipients ([`double_opt_in`]), operators
//! (one module per area of the admin pages). Each step is one transaction
//! that changes the state, appends its consent event or audit entry and
//! queues the work it causes. Route handlers call these and render; they
//! never open a transaction or name a table.

pub mod api;
pub mod archive;
pub mod audit;
pub mod bounces;
pub mod broadcasts;
pub mod bulk;
pub mod consent;
pub mod dashboard;
pub mod deliverability;
pub mod deliveries;
pub mod double_opt_in;
pub mod export;
pub mod fields;
pub mod imports;
pub mod ledger;
pub mod lists;
pub mod media;
pub mod pow;
pub mod preferences;
pub mod retention;
pub mod segments;
pub mod sequences;
pub mod sessions;
pub mod settings;
pub mod subscribers;
pub mod templates;
pub mod turned_away;
pub mod warnings;
pub mod webhooks;

use std::sync::Arc;

use tokio::sync::Notify;

use crate::auth::SecretKey;
use crate::db::{Database, DbError};
use crate::domain::{Clock, Evidence};
use crate::mail::Composer;
use crate::policy::{CurrentPolicy, Policy};

/// What the services need, built once at start and shared.
pub struct Services {
    pub db: Database,
    /// Where "now" comes from; tests move it.
    pub clock: Clock,
    /// Who sends, for whom, from where, and how long things last: read
    /// with [`Services::policy`] at each use.
    pub policy: CurrentPolicy,
    /// The messages' templates and DKIM keys.
    pub composer: Composer,
    /// Keys the suppression list's hashes.
    pub secret_key: SecretKey,
    pub wake: Wake,
    /// Bounds the password checks running at once: each holds one of the
    /// 19 MiB buffers `auth` keeps, of which there are as many as permits.
    pub password_checks: tokio::sync::Semaphore,
    /// This process's counters, for `GET /metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// `ASSENT_WEBHOOK_URL`: where subscription events are posted.
    pub webhooks: webhooks::Webhooks,
    /// Makes and checks the challenges of proof of work, used while the
    /// policy in force turns it on (see [`Services::pow`]).
    pub proof_of_work: pow::ProofOfWork,
    /// Signups turned away, not yet written to the database.
    pub turned_away: turned_away::TurnedAway,
    /// Whether mail goes to a relay (`ASSENT_SMTP_URL`), not only to files.
    pub relay: bool,
    /// What the DNS self-check reads of the settings: the DKIM keys and
    /// `ASSENT_DNS_SERVER`.
    pub dns: deliverability::DnsSettings,
    /// The operators' fields as last read: a signup validates against
    /// them without a query (see [`fields::refresh`]).
    pub fields: fields::CurrentFields,
}

impl Services {
    /// The services as the settings make them: built once by `serve`,
    /// `worker` and the command line alike. `dkim` is the signer made from
    /// the settings' keys, read first so that a bad key stops the start.
    pub fn from_settings(
        settings: &crate::config::Settings,
        db: Database,
        secret_key: SecretKey,
        base_url: url::Url,
        dkim: Option<crate::mail::dkim::Dkim>,
        clock: Clock,
    ) -> Self {
        let mut composer = Composer::new();
        if let Some(signer) = dkim {
            composer = composer.with_dkim(signer);
        }
        let max = settings
            .pow
            .unwrap_or(crate::config::DEFAULT_POW_MAX_NUMBER);
        let proof_of_work = pow::ProofOfWork::new(&secret_key, max);
        Services {
            db,
            clock,
            policy: CurrentPolicy::new(settings, Policy::from_settings(settings, base_url)),
            composer,
            secret_key,
            wake: Wake::default(),
            password_checks: tokio::sync::Semaphore::new(crate::auth::KEPT_BUFFERS),
            metrics: Arc::default(),
            webhooks: webhooks::Webhooks::new(settings.webhook.clone()),
            proof_of_work,
            turned_away: Default::default(),
            relay: !settings.smtp.is_empty(),
            dns: deliverability::DnsSettings {
                dkim: settings.dkim.clone(),
                server: settings.dns_server,
            },
            fields: Default::default(),
        }
    }

    /// What the configuration and the settings in force keep from mail
    /// providers: for the log at start and the dashboard until fixed.
    pub fn sending_warnings(&self) -> Vec<warnings::SendingWarning> {
        let policy = self.policy();
        warnings::SendingWarning::find(self.relay, &policy.base_url, &policy.sender)
    }

    /// Proof of work, when the policy in force asks signups for it.
    pub fn pow(&self) -> Option<&pow::ProofOfWork> {
        self.policy().pow.then_some(&self.proof_of_work)
    }

    /// The policy in force now; keep it for the one thing being done.
    pub fn policy(&self) -> Arc<Policy> {
        self.policy.get()
    }
}

/// Wakes the background runtime when a service has queued work for it, so
/// that a confirmation goes out at once rather than at the next poll.
#[derive(Clone, Default)]
pub struct Wake {
    delivery: Arc<Notify>,
    jobs: Arc<Notify>,
    ledger: Arc<Notify>,
    segments: Arc<Notify>,
}

impl Wake {
    /// A message was queued.
    pub fn delivery(&self) {
        self.delivery.notify_one();
    }

    /// A job was queued.
    pub fn jobs(&self) {
        self.jobs.notify_one();
    }

    /// Consent events were appended: the linker may link them now.
    pub fn ledger(&self) {
        self.ledger.notify_one();
    }

    /// A segment was saved: its members are to be built.
    pub fn segments(&self) {
        self.segments.notify_one();
    }

    /// Resolves once [`Wake::segments`] is called (or was, since the last
    /// wait).
    pub async fn segments_called(&self) {
        self.segments.notified().await;
    }

    /// Resolves once [`Wake::ledger`] is called (or was, since the last wait).
    pub async fn ledger_called(&self) {
        self.ledger.notified().await;
    }

    /// Resolves once [`Wake::delivery`] is called (or was, since the last wait).
    pub async fn delivery_called(&self) {
        self.delivery.notified().await;
    }

    /// Resolves once [`Wake::jobs`] is called (or was, since the last wait).
    pub async fn jobs_called(&self) {
        self.jobs.notified().await;
    }
}

/// Who acts in the operators' area, and from where.
#[derive(Debug, Clone)]
pub struct Operator {
    pub email: String,
    pub evidence: Evidence,
}

/// A failure of ours, never of the client's: the database, or the system.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("no entropy for a token: {0}")]
    Entropy(#[from] rand::rngs::SysError),
    #[error("{0}")]
    Internal(String),
}

impl From<diesel::result::Error> for ServiceError {
    fn from(e: diesel::result::Error) -> Self {
        ServiceError::Db(DbError::Query(e))
    }
}

/// What an operator's action on one thing came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The thing is not in a state the action applies to.
    NotApplicable,
    NotFound,
}
