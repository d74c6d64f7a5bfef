//! `assent admin create|reset-password EMAIL` and `assent admin token …`.

use super::{AdminCommand, Failure, TokenCommand};
use crate::auth::{self, NewPassword};
use crate::config::Settings;
use crate::db::{admins, rfc3339};
use crate::domain::{Clock, SubscriberEmail};
use crate::services::api;
use crate::startup;

pub async fn run(
    settings: Settings,
    clock: &Clock,
    command: AdminCommand,
) -> Result<String, Failure> {
    let (email, create) = match &command {
        AdminCommand::Create { email } => (email.as_str(), true),
        AdminCommand::ResetPassword { email } => (email.as_str(), false),
        AdminCommand::Token { command } => return token(settings, clock, command).await,
    };
    let email = SubscriberEmail::parse(email)
        .map(|e| e.as_str().to_owned())
        .map_err(|e| Failure::Usage(format!("EMAIL: {e}")))?;
    let password = read_password().map_err(Failure::Usage)?;
    let (db, _) = startup::prepare_database(&settings, clock)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    let clock = clock.clone();
    tokio::task::spawn_blocking(move || {
        let hash = auth::hash_password(&password).map_err(Failure::Failed)?;
        let mut conn = db
            .write_conn()
            .map_err(|e| Failure::Failed(e.to_string()))?;
        let now = clock.now().ms();
        if create {
            admins::create(&mut conn, &email, &hash, now)
                .map_err(|e| Failure::Failed(e.to_string()))?;
            Ok(format!("operator {email} created"))
        } else if admins::set_password(&mut conn, &email, &hash, now)
            .map_err(|e| Failure::Failed(e.to_string()))?
        {
            Ok(format!(
                "password of {email} changed; their sessions have ended"
            ))
        } else {
            Err(Failure::Failed(format!(
                "no operator has the address {email}"
            )))
        }
    })
    .await
    .map_err(|e| Failure::Failed(e.to_string()))?
}

/// `assent admin token create|list|revoke`: the token itself, or the list,
/// goes to stdout; what was done, to stderr.
async fn token(
    settings: Settings,
    clock: &Clock,
    command: &TokenCommand,
) -> Result<String, Failure> {
    let (db, _) = startup::prepare_database(&settings, clock)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    let failed = |e: crate::services::ServiceError| Failure::Failed(e.to_string());
    match command {
        TokenCommand::Create { name } => {
            let name = name.trim();
            if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
                return Err(Failure::Usage(
                    "NAME: one line of at most 100 characters".into(),
                ));
            }
            let Some(token) = api::issue(&db, clock, name).await.map_err(failed)? else {
                return Err(Failure::Usage(format!(
                    "NAME: a token named {name:?} exists already"
                )));
            };
            println!("{token}");
            Ok(format!(
                "token {name:?} created; it is shown this once, so keep it now"
            ))
        }
        TokenCommand::List => {
            let tokens = api::tokens(&db).await.map_err(failed)?;
            for t in &tokens {
                let when = |at: Option<i64>| at.map_or_else(|| "-".to_owned(), rfc3339);
                println!(
                    "{}\tcreated {}\tlast used {}\t{}",
                    t.name,
                    rfc3339(t.created_at),
                    when(t.last_used_at),
                    if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    }
                );
            }
            Ok(format!("{} tokens", tokens.len()))
        }
        TokenCommand::Revoke { name } => {
            if api::revoke(&db, clock, "command line", name)
                .await
                .map_err(failed)?
            {
                Ok(format!("token {name:?} revoked"))
            } else {
                Err(Failure::Failed(format!(
                    "no active token is named {name:?}"
                )))
            }
        }
    }
}

/// From ASSENT_ADMIN_PASSWORD, or typed twice at a prompt that does not echo.
fn read_password() -> Result<NewPassword, String> {
    use std::io::IsTerminal;
    if let Ok(value) = std::env::var("ASSENT_ADMIN_PASSWORD") {
        return NewPassword::parse(&value).map_err(|e| format!("ASSENT_ADMIN_PASSWORD: {e}"));
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            "ASSENT_ADMIN_PASSWORD: not set, and there is no terminal to ask for the password"
                .into(),
        );
    }
    let first = rpassword::prompt_password("Password (at least 12 characters): ")
        .map_err(|e| format!("password: {e}"))?;
    let password = NewPassword::parse(&first).map_err(|e| format!("password: {e}"))?;
    let second = rpassword::prompt_password("The same password again: ")
        .map_err(|e| format!("password: {e}"))?;
    if first != second {
        return Err("password: the two passwords differ".into());
    }
    Ok(password)
}
