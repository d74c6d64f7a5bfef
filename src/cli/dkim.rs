//! `assent dkim keygen`: a new key, and the DNS record to publish.

use std::io::Write;
use std::path::Path;

use super::{AlgorithmArg, DkimCommand, Failure};
use crate::mail::dkim::{self, Algorithm};

pub fn run(command: DkimCommand) -> Result<(), Failure> {
    let DkimCommand::Keygen {
        domain,
        selector,
        algorithm,
        out,
    } = command;
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
    };
    if !valid(&domain) || !domain.contains('.') {
        return Err(Failure::Usage(format!(
            "--domain: {domain:?} is not a domain"
        )));
    }
    if !valid(&selector) {
        return Err(Failure::Usage(format!(
            "--selector: {selector:?} is not a selector (letters, digits, - . _)"
        )));
    }
    let algorithm = match algorithm {
        AlgorithmArg::Rsa => Algorithm::Rsa,
        AlgorithmArg::Ed25519 => Algorithm::Ed25519,
    };
    let key = dkim::keygen(algorithm).map_err(Failure::Failed)?;
    write_private(&out, key.pem.as_bytes())?;
    println!("{selector}._domainkey.{domain}");
    println!("{}", key.record);
    eprintln!(
        "assent: key written to {}; publish the TXT record above (as quoted strings: {})",
        out.display(),
        dkim::quoted_strings(&key.record)
    );
    Ok(())
}

/// Creates `path` readable by its owner only; an existing file is kept.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::Usage(format!(
                "--out: {} exists already; it is kept",
                path.display()
            ))
        } else {
            Failure::Failed(format!("{}: {e}", path.display()))
        }
    })?;
    file.write_all(bytes)
        .map_err(|e| Failure::Failed(format!("{}: {e}", path.display())))
}
