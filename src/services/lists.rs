//! Lists: what visitors sign up to, and what operators create, edit and
//! archive. Every consent wording a list has shown is kept as a version.

use diesel::Connection;

use super::{Operator, ServiceError, Services};
use crate::db::models::List;
use crate::db::{audit, lists, stats};
use crate::domain::ListId;
use crate::domain::list::default_wording;
use crate::i18n::Lang;

/// A list that takes signups: the one named, or the default one.
pub async fn open_list(
    services: &Services,
    slug: Option<String>,
) -> Result<Option<List>, ServiceError> {
    let default = services.policy().default_list.clone();
    services
        .db
        .read(move |c| {
            Ok(match &slug {
                Some(slug) => lists::by_slug(c, slug)?,
                None => lists::default_list(c, &default)?,
            })
        })
        .await
}

/// Every list (open ones first), each with its number of subscriptions.
pub async fn all_with_counts(services: &Services) -> Result<Vec<(List, i64)>, ServiceError> {
    services
        .db
        .read(|c| {
            let counts = stats::list_counts(c)?;
            Ok(lists::all(c)?
                .into_iter()
                .map(|l| {
                    let n = counts.get(&l.id).map_or(0, |c| c.total());
                    (l, n)
                })
                .collect())
        })
        .await
}

/// Every list, open ones first.
pub async fn all(services: &Services) -> Result<Vec<List>, ServiceError> {
    services.db.read(|c| Ok(lists::all(c)?)).await
}

/// One version of a list's consent wording.
pub struct WordingVersion {
    pub version: i32,
    pub created_at: i64,
    pub sha256: String,
    pub wording: String,
}

pub struct Detail {
    pub list: List,
    pub subscriptions: i64,
    /// Newest first.
    pub versions: Vec<WordingVersion>,
}

pub async fn detail(services: &Services, id: ListId) -> Result<Option<Detail>, ServiceError> {
    services
        .db
        .read(move |c| {
            let Some(list) = lists::find(c, id)? else {
                return Ok(None);
            };
            let versions = lists::versions(c, id)?
                .into_iter()
                .map(|(version, created_at, sha256, wording)| WordingVersion {
                    version,
                    created_at,
                    sha256,
                    wording,
                })
                .collect();
            let subscriptions = stats::list_counts(c)?.get(&id).map_or(0, |c| c.total());
            Ok(Some(Detail {
                list,
                subscriptions,
                versions,
            }))
        })
        .await
}

/// A list's fields as an operator writes them, already checked.
#[derive(Debug, Clone)]
pub struct ListFields {
    pub name: String,
    pub slug: String,
    pub description: String,
    /// Empty: the default wording, in the list's language.
    pub consent_wording: String,
    pub lang: Lang,
}

/// Creates a list; `None` when its slug is taken.
pub async fn create(
    services: &Services,
    operator: &Operator,
    fields: ListFields,
) -> Result<Option<ListId>, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    let org_name = services.policy().org_name.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                if lists::slug_taken(c, &fields.slug)? {
                    return Ok(None);
                }
                let now = clock.now().ms();
                let wording = if fields.consent_wording.is_empty() {
                    default_wording(&fields.name, &org_name, fields.lang)
                } else {
                    fields.consent_wording.clone()
                };
                let list = lists::create(
                    c,
                    &fields.name,
                    &fields.slug,
                    &fields.description,
                    &wording,
                    fields.lang,
                    now,
                )?;
                audit::record(
                    c,
                    &email,
                    "create_list",
                    &format!("list {}", list.slug),
                    &fields.name,
                    now,
                )?;
                Ok(Some(list.id))
            })
        })
        .await
}

/// Saves a list's name, description and wording (a changed wording becomes
/// a new version); false when there is no such list. The slug stays.
pub async fn update(
    services: &Services,
    operator: &Operator,
    id: ListId,
    fields: ListFields,
) -> Result<bool, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(list) = lists::find(c, id)? else {
                    return Ok(false);
                };
                let now = clock.now().ms();
                lists::update(c, id, &fields.name, &fields.description, fields.lang)?;
                let mut detail = format!("name, description and language ({})", fields.lang);
                if !fields.consent_wording.is_empty()
                    && fields.consent_wording != list.consent_wording
                {
                    let version = lists::new_wording(c, id, &fields.consent_wording, now)?;
                    detail = format!("consent wording version {version}");
                }
                audit::record(
                    c,
                    &email,
                    "edit_list",
                    &format!("list {}", list.slug),
                    &detail,
                    now,
                )?;
                Ok(true)
            })
        })
        .await
}

/// Archives a list (it stops taking signups) or reopens it. Asking for the
/// state it is in changes nothing. `None` when there is no such list.
pub async fn set_archived(
    services: &Services,
    operator: &Operator,
    id: ListId,
    archive: bool,
) -> Result<Option<bool>, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            let Some(list) = lists::find(c, id)? else {
                return Ok(None);
            };
            if list.archived_at.is_some() == archive {
                return Ok(Some(archive));
            }
            let now = clock.now().ms();
            lists::set_archived(c, id, archive.then_some(now))?;
            let action = if archive {
                "archive_list"
            } else {
                "reopen_list"
            };
            audit::record(c, &email, action, &format!("list {}", list.slug), "", now)?;
            Ok(Some(archive))
        })
        .await
}
