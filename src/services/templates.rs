//! The message templates the operators edit (contract §15): checked
//! before they are saved, kept as versions that can be restored, audited,
//! and in force in every process within seconds (each process re-reads
//! them with the settings, see `jobs::settings`).

use diesel::Connection;

use super::{Operator, ServiceError, Services};
use crate::db::templates::{self, Parts, Version};
use crate::db::{audit, lists};
use crate::domain::TemplateKind;
use crate::i18n::Lang;
use crate::mail::ListInfo;
use crate::mail::templates::{Name, Problem, Rendered, builtin};

/// A kind of message in a language, as the list of templates shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: TemplateKind,
    pub lang: Lang,
    /// The version in force, when it is not the built-in one.
    pub edited: Option<Version>,
}

/// Every kind of message in every language.
pub async fn overview(services: &Services) -> Result<Vec<Entry>, ServiceError> {
    let in_force = services
        .db
        .read(|c| Ok::<_, ServiceError>(templates::in_force(c)?))
        .await?;
    let mut entries = Vec::new();
    for kind in TemplateKind::ALL {
        for lang in Lang::all() {
            let edited = in_force
                .iter()
                .find(|v| v.kind == *kind && v.lang == lang && v.parts.is_some())
                .cloned();
            entries.push(Entry {
                kind: *kind,
                lang,
                edited,
            });
        }
    }
    Ok(entries)
}

/// One template as its page shows it.
#[derive(Debug, Clone)]
pub struct Editing {
    /// The parts in force: the newest version's, or the built-in ones.
    pub parts: Parts,
    pub edited: bool,
    /// Every version, newest first.
    pub history: Vec<Version>,
}

pub async fn editing(
    services: &Services,
    kind: TemplateKind,
    lang: Lang,
) -> Result<Editing, ServiceError> {
    let history = services
        .db
        .read(move |c| Ok::<_, ServiceError>(templates::history(c, kind, lang)?))
        .await?;
    let newest = history.first().and_then(|v| v.parts.clone());
    Ok(Editing {
        edited: newest.is_some(),
        parts: newest.unwrap_or_else(|| builtin(Name::Editable(kind), lang)),
        history,
    })
}

/// What a message of `kind` would say with `parts`, with sample values on
/// a list of the language, or every reason it cannot be saved.
pub async fn preview(
    services: &Services,
    kind: TemplateKind,
    lang: Lang,
    parts: &Parts,
) -> Result<Result<Rendered, Vec<Problem>>, ServiceError> {
    let list = services
        .db
        .read(move |c| Ok::<_, ServiceError>(lists::all(c)?.into_iter().find(|l| l.lang() == lang)))
        .await?;
    let sample_name = lang.t("template-sample-list");
    let info = match &list {
        Some(list) => ListInfo {
            lang,
            name: &list.name,
            slug: &list.slug,
            description: &list.description,
        },
        None => ListInfo {
            lang,
            name: &sample_name,
            slug: "newsletter",
            description: "",
        },
    };
    Ok(services.composer.try_template(
        &services.policy(),
        kind,
        &info,
        parts,
        &services.fields.get(),
    ))
}

/// Saves `parts` as the new version in force, when they pass every check.
pub async fn save(
    services: &Services,
    operator: &Operator,
    kind: TemplateKind,
    lang: Lang,
    parts: Parts,
) -> Result<Result<(), Vec<Problem>>, ServiceError> {
    if let Err(problems) = preview(services, kind, lang, &parts).await? {
        return Ok(Err(problems));
    }
    append(
        services,
        operator,
        kind,
        lang,
        Some(parts),
        "saved".to_owned(),
    )
    .await?;
    Ok(Ok(()))
}

/// Why an earlier version was not put back.
#[derive(Debug)]
pub enum NotRestored {
    NoSuchVersion,
    /// It no longer passes the checks.
    Refused(Vec<Problem>),
}

/// Puts an earlier version back in force, as a new version.
pub async fn restore(
    services: &Services,
    operator: &Operator,
    kind: TemplateKind,
    lang: Lang,
    version: i64,
) -> Result<Result<(), NotRestored>, ServiceError> {
    let history = services
        .db
        .read(move |c| Ok::<_, ServiceError>(templates::history(c, kind, lang)?))
        .await?;
    let Some(earlier) = history.into_iter().find(|v| v.id == version) else {
        return Ok(Err(NotRestored::NoSuchVersion));
    };
    if let Some(parts) = &earlier.parts
        && let Err(problems) = preview(services, kind, lang, parts).await?
    {
        return Ok(Err(NotRestored::Refused(problems)));
    }
    let detail = format!("restored version {version}");
    append(services, operator, kind, lang, earlier.parts, detail).await?;
    Ok(Ok(()))
}

/// Returns to the built-in template.
pub async fn reset(
    services: &Services,
    operator: &Operator,
    kind: TemplateKind,
    lang: Lang,
) -> Result<(), ServiceError> {
    let detail = "reset to the built-in template".to_owned();
    append(services, operator, kind, lang, None, detail).await
}

async fn append(
    services: &Services,
    operator: &Operator,
    kind: TemplateKind,
    lang: Lang,
    parts: Option<Parts>,
    detail: String,
) -> Result<(), ServiceError> {
    let (by, now) = (operator.email.clone(), services.clock.now().ms());
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                templates::append(c, kind, lang, parts.as_ref(), &by, now)?;
                let target = format!("{kind}/{lang}");
                audit::record(c, &by, "change_template", &target, &detail, now)?;
                Ok::<_, ServiceError>(())
            })
        })
        .await?;
    refresh(services).await?;
    Ok(())
}

/// Puts in force the versions saved since this process last read them;
/// returns whether there were any.
pub async fn refresh(services: &Services) -> Result<bool, ServiceError> {
    let current = services.composer.templates();
    let newest = services
        .db
        .read(|c| Ok::<_, ServiceError>(templates::newest_id(c)?))
        .await?;
    if !current.is_stale(newest) {
        return Ok(false);
    }
    let (newest, in_force) = services
        .db
        .read(|c| Ok::<_, ServiceError>((templates::newest_id(c)?, templates::in_force(c)?)))
        .await?;
    current.replace(&in_force, newest);
    Ok(true)
}
