//! Proof of work on signups (contract §14): ALTCHA challenges, signed with a
//! key derived from the secret key, each good for one signup within ten
//! minutes. A browser finds the hidden number in well under a second; a bot
//! posting thousands of signups pays that for every one.

use std::time::Duration;

use altcha_lib_rs::{Challenge, ChallengeOptions, Payload};
use base64::Engine;
use hmac::{KeyInit, Mac};
use sha2::Sha256;

use super::turned_away::{self, Reason};
use super::{ServiceError, Services};
use crate::auth::SecretKey;
use crate::db::{DbError, abuse};

/// How long a challenge may be solved and used.
pub const LIFETIME: Duration = Duration::from_secs(10 * 60);
/// A solution is a few hundred bytes; anything longer is not one of ours.
const MAX_SOLUTION_BYTES: usize = 2048;

/// Why a signup's solution was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PowError {
    #[error("a solved ALTCHA challenge is required: GET /api/v1/challenge")]
    Missing,
    #[error("the ALTCHA solution does not solve a challenge of this server")]
    Wrong,
    #[error("the ALTCHA challenge has expired; fetch a new one")]
    Expired,
    #[error("the ALTCHA challenge was already used; fetch a new one")]
    Spent,
}

pub struct ProofOfWork {
    /// The HMAC key of the challenges, hex: the crate takes text.
    key: String,
    max_number: u64,
}

impl ProofOfWork {
    pub fn new(secret_key: &SecretKey, max_number: u64) -> Self {
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(secret_key.expose())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(b"altcha challenge\0");
        Self {
            key: hex::encode(mac.finalize().into_bytes()),
            max_number,
        }
    }

    /// A challenge as made at `now` (Unix milliseconds).
    pub fn challenge_at(&self, now: i64) -> Result<Challenge, ServiceError> {
        let mut salt = [0u8; 12];
        rand::TryRng::try_fill_bytes(&mut rand::rngs::SysRng, &mut salt)?;
        let expires = (now + LIFETIME.as_millis() as i64) / 1000;
        altcha_lib_rs::create_challenge(ChallengeOptions {
            hmac_key: &self.key,
            max_number: Some(self.max_number),
            // The expiry rides in the salt, which the signature covers.
            salt: Some(format!("{}?expires={expires}&", hex::encode(salt))),
            ..Default::default()
        })
        .map_err(|e| ServiceError::Internal(format!("making a challenge: {e}")))
    }

    /// Checks a solution without spending it: what it solves and until when.
    fn check(&self, solution: &str, now: i64) -> Result<(String, i64), PowError> {
        if solution.len() > MAX_SOLUTION_BYTES {
            return Err(PowError::Wrong);
        }
        let json = base64::engine::general_purpose::STANDARD
            .decode(solution.trim())
            .map_err(|_| PowError::Wrong)?;
        let payload: Payload = serde_json::from_slice(&json).map_err(|_| PowError::Wrong)?;
        // Every challenge of ours carries its expiry; one without is forged.
        let expires_ms = expiry(&payload.salt)
            .and_then(|s| s.checked_mul(1000))
            .ok_or(PowError::Wrong)?;
        if expires_ms < now {
            return Err(PowError::Expired);
        }
        altcha_lib_rs::verify_solution(&payload, &self.key, false).map_err(|_| PowError::Wrong)?;
        Ok((payload.challenge, expires_ms))
    }
}

/// The `expires` of a salt `…?expires=SECONDS&`.
fn expiry(salt: &str) -> Option<i64> {
    let (_, query) = salt.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("expires="))
        .and_then(|v| v.parse().ok())
}

/// Checks a signup's solution and spends it, so that it cannot serve again,
/// on any process sharing the database. `Ok` when proof of work is off; a
/// refusal is counted among the signups turned away.
pub async fn redeem(services: &Services, solution: Option<&str>) -> Result<(), Redeem> {
    let clock = services.clock.clone();
    let Some(pow) = services.pow() else {
        return Ok(());
    };
    let refused = |e| {
        turned_away::record(services, Reason::ProofOfWork);
        Redeem::Refused(e)
    };
    let solution = solution
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| refused(PowError::Missing))?;
    let (challenge, expires_at) = pow.check(solution, clock.now().ms()).map_err(refused)?;
    let fresh = services
        .db
        .write(move |c| abuse::spend_challenge(c, &challenge, expires_at).map_err(DbError::from))
        .await
        .map_err(|e| Redeem::Failed(e.into()))?;
    if fresh {
        Ok(())
    } else {
        Err(refused(PowError::Spent))
    }
}

#[derive(Debug)]
pub enum Redeem {
    /// The client's fault: 422.
    Refused(PowError),
    Failed(ServiceError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pow() -> ProofOfWork {
        ProofOfWork::new(&SecretKey::new(vec![7; 32]), 1_000)
    }

    fn solve(challenge: &Challenge) -> String {
        let number = altcha_lib_rs::solve_challenge(
            &challenge.challenge,
            &challenge.salt,
            Some(challenge.algorithm),
            Some(challenge.maxnumber),
            0,
        )
        .expect("solvable");
        let payload = serde_json::json!({
            "algorithm": "SHA-256",
            "challenge": challenge.challenge,
            "number": number,
            "salt": challenge.salt,
            "signature": challenge.signature,
        });
        base64::engine::general_purpose::STANDARD.encode(payload.to_string())
    }

    #[test]
    fn a_solved_challenge_checks_until_it_expires() {
        let pow = pow();
        let now = crate::domain::Clock::system().now().ms();
        let challenge = pow.challenge_at(now).expect("challenge");
        let solution = solve(&challenge);
        let (solved, expires) = pow.check(&solution, now).expect("good");
        assert_eq!(solved, challenge.challenge);
        assert!(expires > now + LIFETIME.as_millis() as i64 - 2000);
        let late = now + LIFETIME.as_millis() as i64 + 1000;
        assert_eq!(pow.check(&solution, late), Err(PowError::Expired));
    }

    #[test]
    fn another_servers_key_or_garbage_is_wrong() {
        let other = ProofOfWork::new(&SecretKey::new(vec![8; 32]), 1_000);
        let solution = solve(&other.challenge_at(0).expect("challenge"));
        assert_eq!(pow().check(&solution, 0), Err(PowError::Wrong));
        for junk in ["", "not base64!", "e30=", &"A".repeat(5000)] {
            assert_eq!(pow().check(junk, 0), Err(PowError::Wrong), "{junk}");
        }
    }

    #[test]
    fn the_expiry_is_read_from_the_salt() {
        assert_eq!(expiry("abc?expires=1700000000&"), Some(1_700_000_000));
        assert_eq!(expiry("abc"), None);
        assert_eq!(expiry("abc?expires=soon&"), None);
    }
}
