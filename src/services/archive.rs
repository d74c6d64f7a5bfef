//! The public archive (contract §17): the sent broadcasts an operator
//! marked public, on `/archive`, per list, and as an Atom feed.
//!
//! An issue is rendered from its Markdown alone, as no recipient saw it:
//! no name, no field, no unsubscribe link, no footer.

use unicode_normalization::UnicodeNormalization;

use super::{ServiceError, Services};
use crate::db::models::{Broadcast, ListLabel};
use crate::db::{broadcasts, lists};
use crate::domain::BroadcastId;
use crate::i18n::Lang;
use crate::mail::BroadcastCopy;

/// How many issues the archive and its feed show.
const SHOWN: i64 = 200;

/// A broadcast in the archive.
#[derive(Debug, Clone)]
pub struct Issue {
    pub id: BroadcastId,
    /// `{id}-{words of the subject}`: the last part of its address.
    pub slug: String,
    pub subject: String,
    pub list_name: String,
    pub list_slug: String,
    /// The language it was written in: its list's.
    pub lang: Lang,
    /// When its last copy went, in milliseconds.
    pub sent_at: i64,
}

impl Issue {
    fn of(broadcast: &Broadcast, list: &ListLabel) -> Issue {
        Issue {
            id: broadcast.id,
            slug: slug(broadcast.id, &broadcast.subject),
            subject: broadcast.subject.clone(),
            list_name: list.name.clone(),
            list_slug: list.slug.clone(),
            lang: list.lang(),
            sent_at: broadcast
                .finished_at
                .or(broadcast.started_at)
                .unwrap_or(broadcast.updated_at),
        }
    }

    /// `/archive/{slug}`.
    pub fn path(&self) -> String {
        format!("/archive/{}", self.slug)
    }
}

/// An issue with its content.
pub struct Shown {
    pub issue: Issue,
    /// The body's HTML, sanitised as every copy's was.
    pub html: String,
}

/// The words of a subject as an address shows them: lower case ASCII
/// letters and digits, accents taken off, joined by `-`.
fn slug(id: BroadcastId, subject: &str) -> String {
    let mut words = String::new();
    let mut gap = false;
    for c in subject.nfkd() {
        if c.is_ascii_alphanumeric() {
            if gap && !words.is_empty() {
                words.push('-');
            }
            words.push(c.to_ascii_lowercase());
            gap = false;
        } else if !unicode_normalization::char::is_combining_mark(c) {
            gap = true;
        }
        if words.len() >= 60 {
            break;
        }
    }
    if words.is_empty() {
        id.to_string()
    } else {
        format!("{id}-{words}")
    }
}

/// The id an archive address starts with; `None` when it names none.
pub fn id_of(slug: &str) -> Option<BroadcastId> {
    let digits = slug.split('-').next()?;
    digits.parse().ok().map(BroadcastId)
}

/// The archive of one list or of all.
pub struct Index {
    /// The list's name, when the index is of one.
    pub list_name: Option<String>,
    pub issues: Vec<Issue>,
}

/// The archive, of one list (by slug) or of all; `None` for a list that
/// does not exist.
pub async fn index(
    services: &Services,
    list: Option<String>,
) -> Result<Option<Index>, ServiceError> {
    services
        .db
        .read(move |c| {
            let list = match list {
                Some(slug) => match lists::by_slug(c, &slug)? {
                    Some(list) => Some(list),
                    None => return Ok(None),
                },
                None => None,
            };
            let issues = broadcasts::archived(c, list.as_ref().map(|l| l.id), SHOWN)?
                .iter()
                .map(|(b, l)| Issue::of(b, l))
                .collect();
            Ok(Some(Index {
                list_name: list.map(|l| l.name),
                issues,
            }))
        })
        .await
}

/// The issues of the feed, newest first, with their content.
pub async fn feed(services: &Services) -> Result<Vec<Shown>, ServiceError> {
    let found = services
        .db
        .read(|c| Ok::<_, ServiceError>(broadcasts::archived(c, None, SHOWN)?))
        .await?;
    Ok(found
        .iter()
        .map(|(b, l)| Shown {
            issue: Issue::of(b, l),
            html: BroadcastCopy::new(&b.subject, &b.body).body.html,
        })
        .collect())
}

/// One issue; `None` unless it is sent and public.
pub async fn one(services: &Services, id: BroadcastId) -> Result<Option<Shown>, ServiceError> {
    let found = services
        .db
        .read(move |c| Ok::<_, ServiceError>(broadcasts::archived_one(c, id)?))
        .await?;
    Ok(found.map(|(b, l)| Shown {
        issue: Issue::of(&b, &l),
        html: BroadcastCopy::new(&b.subject, &b.body).body.html,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_reads_the_subject_without_its_accents_and_starts_with_the_id() {
        let id = BroadcastId(12);
        assert_eq!(slug(id, "Été : la rentrée!"), "12-ete-la-rentree");
        assert_eq!(slug(id, "  Issue #3 — news  "), "12-issue-3-news");
        assert_eq!(slug(id, "日本"), "12");
        assert_eq!(id_of("12-ete-la-rentree"), Some(id));
        assert_eq!(id_of("12"), Some(id));
        assert_eq!(id_of("ete"), None);
        assert_eq!(id_of(""), None);
    }
}
