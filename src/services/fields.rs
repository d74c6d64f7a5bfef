//! The operators' fields on a subscriber (contract §16): defined from the
//! admin, asked on chosen lists' forms and through the API, shown and
//! edited on the subscriber page and the person's own page.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use diesel::Connection;

use super::{Operator, ServiceError, Services};
use crate::db::{audit, fields};
use crate::domain::field::{FieldDef, FieldError, FieldKind, is_key};
use crate::domain::{ListId, SubscriberId};

/// The fields in force in this process, re-read with the settings.
#[derive(Debug, Default)]
pub struct CurrentFields(RwLock<Arc<Vec<FieldDef>>>);

impl CurrentFields {
    pub fn get(&self) -> Arc<Vec<FieldDef>> {
        match self.0.read() {
            Ok(f) => Arc::clone(&f),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn replace(&self, defs: Vec<FieldDef>) {
        let defs = Arc::new(defs);
        match self.0.write() {
            Ok(mut f) => *f = defs,
            Err(poisoned) => *poisoned.into_inner() = defs,
        }
    }

    /// The fields a list's form asks for.
    pub fn of_list(&self, list: ListId) -> Vec<FieldDef> {
        self.get()
            .iter()
            .filter(|f| f.lists.contains(&list.0))
            .cloned()
            .collect()
    }
}

/// Re-reads the fields: a few rows, every few seconds.
pub async fn refresh(services: &Services) -> Result<(), ServiceError> {
    let defs = services
        .db
        .read(|c| Ok::<_, ServiceError>(fields::all(c)?))
        .await?;
    services.fields.replace(defs);
    Ok(())
}

/// A field as the operator's form sent it.
#[derive(Debug, Clone, Default)]
pub struct FieldForm {
    pub key: String,
    pub kind: String,
    pub labels: Vec<(String, String)>,
    pub options: String,
    pub required: bool,
    pub lists: Vec<i64>,
}

/// Why a field's definition was refused, by form input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRefusal {
    Key,
    KeyTaken,
    Kind,
    Label,
    Options,
    NotFound,
}

/// Creates a field (`id` 0) or changes one; its key and type stay as they
/// were made, so that values already kept keep their meaning.
pub async fn save(
    services: &Services,
    operator: &Operator,
    id: i64,
    form: FieldForm,
) -> Result<Result<i64, Vec<FieldRefusal>>, ServiceError> {
    let current = services.fields.get();
    let existing = current.iter().find(|f| f.id == id).cloned();
    if id != 0 && existing.is_none() {
        return Ok(Err(vec![FieldRefusal::NotFound]));
    }
    let mut refused = Vec::new();
    let (key, kind) = match &existing {
        Some(field) => (field.key.clone(), field.kind),
        None => {
            let key = form.key.trim().to_owned();
            if !is_key(&key) {
                refused.push(FieldRefusal::Key);
            } else if current.iter().any(|f| f.key == key) {
                refused.push(FieldRefusal::KeyTaken);
            }
            let kind = FieldKind::parse(form.kind.trim());
            if kind.is_none() {
                refused.push(FieldRefusal::Kind);
            }
            (key, kind.unwrap_or(FieldKind::Text))
        }
    };
    let labels: Vec<(String, String)> = form
        .labels
        .iter()
        .map(|(lang, label)| (lang.clone(), label.trim().to_owned()))
        .filter(|(_, label)| !label.is_empty())
        .collect();
    if labels.is_empty() || labels.iter().any(|(_, l)| l.chars().count() > 100) {
        refused.push(FieldRefusal::Label);
    }
    let options = crate::domain::field::read_options(&form.options);
    if kind == FieldKind::Choice && options.is_empty() {
        refused.push(FieldRefusal::Options);
    }
    if !refused.is_empty() {
        return Ok(Err(refused));
    }
    let mut lists = form.lists;
    lists.sort_unstable();
    lists.dedup();
    let def = FieldDef {
        id,
        key: key.clone(),
        kind,
        labels,
        options: if kind == FieldKind::Choice {
            options
        } else {
            Vec::new()
        },
        required: form.required,
        lists,
    };
    let (by, now) = (operator.email.clone(), services.clock.now().ms());
    let saved = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(id) = fields::save(c, &def, now)? else {
                    return Ok(None);
                };
                let action = if def.id == 0 {
                    "create_field"
                } else {
                    "change_field"
                };
                let detail = format!(
                    "{} {}{}",
                    def.kind,
                    def.labels
                        .iter()
                        .map(|(lang, label)| format!("{lang}: {label}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if def.required { ", required" } else { "" }
                );
                audit::record(c, &by, action, &def.key, &detail, now)?;
                Ok::<_, ServiceError>(Some(id))
            })
        })
        .await?;
    refresh(services).await?;
    Ok(saved.ok_or_else(|| vec![FieldRefusal::KeyTaken]))
}

/// Field values as kept: (field id, value).
pub type Values = Vec<(i64, String)>;
/// Fields refused: (key, why).
pub type Refused = Vec<(String, FieldError)>;

/// Values sent for a list's fields (by input name `field.KEY`, or by key),
/// read as their types say: the values to keep, or every field refused.
pub fn read_values(
    defs: &[FieldDef],
    sent: impl Fn(&FieldDef) -> Option<String>,
) -> Result<Values, Refused> {
    let mut values = Vec::new();
    let mut refused = Vec::new();
    for def in defs {
        let input = sent(def).unwrap_or_default();
        match def.parse(&input) {
            Ok(Some(value)) => values.push((def.id, value)),
            Ok(None) if def.required => refused.push((def.key.clone(), FieldError::Missing)),
            Ok(None) => {}
            Err(e) => refused.push((def.key.clone(), e)),
        }
    }
    if refused.is_empty() {
        Ok(values)
    } else {
        Err(refused)
    }
}

/// A subscriber's values by key, for pages, exports and templates.
pub fn by_key(defs: &[FieldDef], values: &[(i64, String)]) -> BTreeMap<String, String> {
    values
        .iter()
        .filter_map(|(field, value)| {
            let def = defs.iter().find(|d| d.id == *field)?;
            Some((def.key.clone(), value.clone()))
        })
        .collect()
}

/// Sets a subscriber's values from the operator's form (every field) or
/// the person's own page; each change is audited with its old and new
/// value when an operator made it.
pub async fn edit(
    services: &Services,
    operator: Option<&Operator>,
    subscriber: SubscriberId,
    sent: BTreeMap<String, String>,
) -> Result<Result<(), Refused>, ServiceError> {
    let defs = services.fields.get();
    let mut changes: Vec<(i64, String, Option<String>)> = Vec::new();
    let mut refused = Vec::new();
    for def in defs.iter() {
        let Some(input) = sent.get(&def.key) else {
            continue;
        };
        match def.parse(input) {
            Ok(value) => changes.push((def.id, def.key.clone(), value)),
            Err(e) => refused.push((def.key.clone(), e)),
        }
    }
    if !refused.is_empty() {
        return Ok(Err(refused));
    }
    let by = operator.map(|o| o.email.clone());
    let now = services.clock.now().ms();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let before = fields::values_of(c, subscriber)?;
                for (field, key, value) in &changes {
                    let old = before.iter().find(|(f, _)| f == field).map(|(_, v)| v);
                    if old == value.as_ref() {
                        continue;
                    }
                    fields::set(c, subscriber, *field, value.as_deref())?;
                    if let Some(by) = &by {
                        let detail = format!(
                            "{key}: {:?} → {:?}",
                            old.map_or("", String::as_str),
                            value.as_deref().unwrap_or("")
                        );
                        let target = subscriber.0.to_string();
                        audit::record(c, by, "edit_fields", &target, &detail, now)?;
                    }
                }
                Ok::<_, ServiceError>(())
            })
        })
        .await?;
    Ok(Ok(()))
}
