//! `/admin/fields`: the operators' own fields on a subscriber (contract
//! §16): a key, a type, a label per language, whether it is required and
//! the lists whose form asks for it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, not_found, see_other};
use crate::domain::field::FieldDef;
use crate::i18n::Lang;
use crate::pages::admin::{FieldFormView, FieldRow, FieldsPage};
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::fields::{self, FieldForm, FieldRefusal};
use crate::services::lists;

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn index(
    signed_in: SignedIn,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let flash = (done.done.as_deref() == Some("saved")).then_some("admin-field-saved");
    let form = FieldFormView {
        kind: "text".to_owned(),
        labels: Lang::all().map(|l| (l, String::new())).collect(),
        ..FieldFormView::default()
    };
    page(&signed_in, StatusCode::OK, None, form, Vec::new(), flash).await
}

pub async fn edit_page(
    signed_in: SignedIn,
    key: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let Some(def) = find(&signed_in, &key) else {
        return Ok(not_found(&signed_in.site()));
    };
    let flash = (done.done.as_deref() == Some("saved")).then_some("admin-field-saved");
    let form = view_of(&def);
    page(
        &signed_in,
        StatusCode::OK,
        Some(def.key),
        form,
        Vec::new(),
        flash,
    )
    .await
}

fn find(signed_in: &SignedIn, key: &str) -> Option<FieldDef> {
    signed_in
        .state
        .services
        .fields
        .get()
        .iter()
        .find(|f| f.key == key)
        .cloned()
}

fn view_of(def: &FieldDef) -> FieldFormView {
    FieldFormView {
        key: def.key.clone(),
        kind: def.kind.to_string(),
        labels: Lang::all()
            .map(|l| {
                let label = def
                    .labels
                    .iter()
                    .find(|(code, _)| code == l.code())
                    .map(|(_, label)| label.clone())
                    .unwrap_or_default();
                (l, label)
            })
            .collect(),
        options: def.options.join("\n"),
        required: def.required,
        lists: def.lists.clone(),
    }
}

async fn page(
    signed_in: &SignedIn,
    status: StatusCode,
    editing: Option<String>,
    form: FieldFormView,
    errors: Vec<(&'static str, String)>,
    flash: Option<&'static str>,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    let all_lists = lists::all(services).await?;
    let site = signed_in.site();
    let name_of = |id: &i64| {
        all_lists
            .iter()
            .find(|l| l.id.0 == *id)
            .map(|l| l.name.clone())
    };
    let rows = services
        .fields
        .get()
        .iter()
        .map(|f| FieldRow {
            key: f.key.clone(),
            kind: f.kind.to_string(),
            label: f.label(site.lang.code()).to_owned(),
            required: f.required,
            lists: f.lists.iter().filter_map(name_of).collect(),
        })
        .collect();
    let lists = all_lists
        .iter()
        .filter(|l| l.archived_at.is_none())
        .map(|l| (l.id.0, l.name.clone()))
        .collect();
    let page = FieldsPage {
        site: &site,
        nav: signed_in.nav("fields"),
        fields: rows,
        editing,
        form,
        errors,
        lists,
        flash,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    })
}

fn form_of(fields: &[(String, String)]) -> FieldForm {
    FieldForm {
        key: field(fields, "key").unwrap_or_default().to_owned(),
        kind: field(fields, "kind").unwrap_or_default().to_owned(),
        labels: Lang::all()
            .map(|l| {
                let label = field(fields, &format!("label.{l}")).unwrap_or_default();
                (l.code().to_owned(), label.to_owned())
            })
            .collect(),
        options: field(fields, "options").unwrap_or_default().to_owned(),
        required: field(fields, "required").is_some(),
        lists: fields
            .iter()
            .filter(|(k, _)| k == "list")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
    }
}

pub async fn create(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    save(signed_in, 0, None, form_of(&fields)).await
}

pub async fn update(form: CsrfForm, key: web::Path<String>) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let Some(def) = find(&signed_in, &key) else {
        return Ok(not_found(&signed_in.site()));
    };
    let mut sent = form_of(&fields);
    sent.key = def.key.clone();
    sent.kind = def.kind.to_string();
    save(signed_in, def.id, Some(def.key), sent).await
}

async fn save(
    signed_in: SignedIn,
    id: i64,
    editing: Option<String>,
    sent: FieldForm,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    match fields::save(services, &signed_in.operator(), id, sent.clone()).await? {
        Ok(_) => {
            let key = editing.unwrap_or_else(|| sent.key.trim().to_owned());
            Ok(see_other(&format!("/admin/fields/{key}?done=saved")))
        }
        Err(refused) if refused.contains(&FieldRefusal::NotFound) => {
            Ok(not_found(&signed_in.site()))
        }
        Err(refused) => {
            let site = signed_in.site();
            let errors = refused
                .iter()
                .map(|r| {
                    let (input, id) = match r {
                        FieldRefusal::Key => ("key", "admin-field-key-error"),
                        FieldRefusal::KeyTaken => ("key", "admin-field-key-taken"),
                        FieldRefusal::Kind => ("kind", "admin-field-kind-error"),
                        FieldRefusal::Label => ("label", "admin-field-label-error"),
                        FieldRefusal::Options | FieldRefusal::NotFound => {
                            ("options", "admin-field-options-error")
                        }
                    };
                    (input, site.t(id))
                })
                .collect();
            let form = FieldFormView {
                key: sent.key,
                kind: sent.kind,
                labels: Lang::all()
                    .map(|l| {
                        let label = sent
                            .labels
                            .iter()
                            .find(|(code, _)| code == l.code())
                            .map(|(_, label)| label.clone())
                            .unwrap_or_default();
                        (l, label)
                    })
                    .collect(),
                options: sent.options,
                required: sent.required,
                lists: sent.lists,
            };
            page(
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                editing,
                form,
                errors,
                None,
            )
            .await
        }
    }
}
