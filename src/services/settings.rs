//! The settings the operators change from the admin (contract §15): saved
//! in the database, so that every process reads the same, audited with
//! their old and new values, and put in force by each process's policy
//! within seconds (see [`crate::policy`]).

use diesel::Connection;

use super::{Operator, ServiceError, Services};
use crate::db::{DbConn, audit, lists, settings};
use crate::domain::list::default_wording;
use crate::policy::Setting;

/// The organisation the default consent wordings name, stored so that a
/// change of it (from the admin or the environment) reaches them once.
const WORDING_ORG: &str = "wording_org";
/// The organisation of a server that never named one.
const FIRST_ORG: &str = "assent";

/// Re-reads the saved settings into this process's policy; returns whether
/// the policy changed. When it did (and at start), the lists whose consent
/// wording is the default one are made to name the organisation in force:
/// only then, so that two processes whose environments name different
/// organisations do not take turns rewriting the wording.
pub async fn refresh(services: &Services) -> Result<bool, ServiceError> {
    let saved = services
        .db
        .read(|c| Ok::<_, ServiceError>(settings::saved(c)?))
        .await?;
    super::fields::refresh(services).await?;
    if super::templates::refresh(services).await? {
        tracing::info!("saved message templates are in force");
    }
    let changed = services.policy.refresh(&saved);
    let org = services.policy().org_name.clone();
    let named = saved
        .iter()
        .find(|(name, _)| name == WORDING_ORG)
        .map_or(FIRST_ORG, |(_, value)| value.as_str());
    if changed && named != org {
        let now = services.clock.now().ms();
        services
            .db
            .write(move |c| c.transaction(|c| follow_organisation(c, &org, now)))
            .await?;
    }
    Ok(changed)
}

/// Gives each list whose consent wording is the default one naming the
/// earlier organisation a new wording version naming `org`: what is shown
/// from now on, and what the next consent records (contract §15).
fn follow_organisation(conn: &mut DbConn, org: &str, now: i64) -> Result<(), ServiceError> {
    let stored = settings::saved(conn)?;
    let earlier = stored
        .iter()
        .find(|(name, _)| name == WORDING_ORG)
        .map_or(FIRST_ORG, |(_, value)| value.as_str());
    if earlier == org {
        // Another process got here first.
        return Ok(());
    }
    for list in lists::all(conn)? {
        let lang = list.lang();
        if list.consent_wording == default_wording(&list.name, earlier, lang) {
            lists::new_wording(conn, list.id, &default_wording(&list.name, org, lang), now)?;
        }
    }
    settings::save(conn, WORDING_ORG, org)?;
    Ok(())
}

/// A value the page was sent that cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub setting: Setting,
    /// What is wrong, in English, for the log and the API.
    pub problem: String,
}

/// Saves the values sent for the settings the environment does not set;
/// a setting not sent is left as it is. Nothing is saved when one value is
/// refused: every refusal is returned. Each change is audited with its old
/// and new value, and is in force in this process at once.
pub async fn save(
    services: &Services,
    operator: &Operator,
    sent: &[(Setting, String)],
) -> Result<Result<(), Vec<Refused>>, ServiceError> {
    let current = services.policy();
    let mut checked = (*current).clone();
    let mut refused = Vec::new();
    let mut changes = Vec::new();
    for (setting, value) in sent {
        if services.policy.is_locked(*setting) {
            continue;
        }
        match setting.apply(&mut checked, value) {
            Ok(()) => {
                let (old, new) = (setting.show(&current), setting.show(&checked));
                if old != new {
                    changes.push((*setting, old, new));
                }
            }
            Err(problem) => refused.push(Refused {
                setting: *setting,
                problem,
            }),
        }
    }
    if !refused.is_empty() {
        return Ok(Err(refused));
    }
    if changes.is_empty() {
        return Ok(Ok(()));
    }
    let (by, now) = (operator.email.clone(), services.clock.now().ms());
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                for (setting, old, new) in &changes {
                    settings::save(c, setting.name(), new)?;
                    let detail = format!("{old:?} → {new:?}");
                    audit::record(c, &by, "change_setting", setting.name(), &detail, now)?;
                }
                Ok::<_, ServiceError>(())
            })
        })
        .await?;
    refresh(services).await?;
    Ok(Ok(()))
}
