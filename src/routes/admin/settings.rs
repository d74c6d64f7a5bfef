//! `/admin/settings`: the organisation, the sender, the default language
//! and the clocks of §10, saved in the database and in force in every
//! process within seconds (contract §15). A setting that the environment
//! sets is shown read-only, naming its variable.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, see_other};
use crate::pages::admin::{SettingField, SettingsPage};
use crate::policy::Setting;
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::settings::{self, Refused};

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn page(
    signed_in: SignedIn,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let policy = signed_in.state.services.policy();
    let fields = Setting::ALL
        .into_iter()
        .map(|s| field_of(&signed_in, s, s.show(&policy), None))
        .collect();
    let flash = (done.done.as_deref() == Some("saved")).then_some("admin-settings-saved");
    Ok(admin_page(&SettingsPage {
        site: &signed_in.site(),
        nav: signed_in.nav("settings"),
        fields,
        flash,
    }))
}

pub async fn save(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let sent: Vec<(Setting, String)> = Setting::ALL
        .into_iter()
        .filter_map(|s| field(&fields, s.name()).map(|v| (s, v.to_owned())))
        .collect();
    let services = &signed_in.state.services;
    match settings::save(services, &signed_in.operator(), &sent).await? {
        Ok(()) => Ok(see_other("/admin/settings?done=saved")),
        Err(refused) => {
            let site = signed_in.site();
            let policy = services.policy();
            let error = |s: Setting| {
                refused.iter().any(|r: &Refused| r.setting == s).then(|| {
                    site.t(&format!(
                        "admin-setting-{}-error",
                        s.name().replace('_', "-")
                    ))
                })
            };
            // The form as sent, so that nothing typed is lost.
            let fields = Setting::ALL
                .into_iter()
                .map(|s| {
                    let value = sent
                        .iter()
                        .find(|(sent, _)| *sent == s)
                        .map_or_else(|| s.show(&policy), |(_, v)| v.clone());
                    field_of(&signed_in, s, value, error(s))
                })
                .collect();
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SettingsPage {
                    site: &site,
                    nav: signed_in.nav("settings"),
                    fields,
                    flash: None,
                },
            ))
        }
    }
}

fn field_of(
    signed_in: &SignedIn,
    setting: Setting,
    value: String,
    error: Option<String>,
) -> SettingField {
    let policy = signed_in.state.services.policy();
    let clock = match setting {
        Setting::PendingRetention => Some(policy.clocks.pending_retention),
        Setting::ReconfirmAfter => Some(policy.clocks.reconfirm_after),
        Setting::ReconfirmGrace => Some(policy.clocks.reconfirm_grace),
        _ => None,
    };
    let site = signed_in.site();
    let in_words = clock.map(|clock| match clock {
        Some(clock) => site.lang.duration(clock),
        None => site.t("admin-settings-off"),
    });
    let locked = signed_in.state.services.policy.is_locked(setting);
    SettingField {
        name: setting.name(),
        value: if locked { setting.show(&policy) } else { value },
        locked_by: setting.variable().filter(|_| locked),
        error,
        in_words,
    }
}
