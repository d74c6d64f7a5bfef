//! The command line (contract §1): its grammar, and one module per command
//! that does more than start the server.

pub mod admin;
pub mod dkim;
pub mod dns;
pub mod export;
pub mod import;
pub mod ledger;
pub mod purge;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::domain::Status;

/// Bad configuration or usage, as contract §1 says.
pub const USAGE: u8 = 2;

/// How a command ended: the line to print and the exit code.
pub enum Failure {
    /// Bad usage or configuration: exit 2.
    Usage(String),
    /// Anything else: exit 1.
    Failed(String),
}

impl Failure {
    pub fn exit(self) -> ExitCode {
        match self {
            Failure::Usage(line) => {
                eprintln!("assent: {line}");
                ExitCode::from(USAGE)
            }
            Failure::Failed(line) => {
                eprintln!("assent: {line}");
                ExitCode::FAILURE
            }
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "assent",
    version,
    about = "A double opt-in email subscription server",
    long_about = "A double opt-in email subscription server.\n\nConfiguration comes from ASSENT_* environment variables and a .env file in the working directory; see the README."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then run the HTTP server and the delivery worker (the default)
    Serve,
    /// Apply pending migrations and exit
    Migrate,
    /// Run the delivery worker and scheduled jobs without HTTP (beside `serve` on PostgreSQL)
    Worker,
    /// Manage operator accounts
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// DKIM keys
    Dkim {
        #[command(subcommand)]
        command: DkimCommand,
    },
    /// Run retention and re-permission now: purge old pending requests, send due reconfirmations, expire unanswered ones
    Purge {
        /// Print what would be done, and change and send nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Check every consent event against its digest and its place in the chain
    VerifyLedger,
    /// Check the From domain's SPF, DKIM, DMARC and MX records, and the base URL; exit 1 on an error
    CheckDns,
    /// Write every subscription as CSV to stdout
    Export {
        /// Only this list (its slug)
        #[arg(long, value_name = "SLUG")]
        list: Option<String>,
        /// Only subscriptions in this state
        #[arg(long, value_enum, value_name = "STATUS")]
        status: Option<StatusArg>,
        /// Only the people this saved segment chooses (its id, from /admin/segments)
        #[arg(long, value_name = "ID")]
        segment: Option<i64>,
    },
    /// Import a CSV of addresses into a list, as the admin import does, and print each refused line
    Import {
        /// The CSV file: one address a line, an optional name column, an optional `email` header
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        /// The list to import into (its slug)
        #[arg(long, value_name = "SLUG")]
        list: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an operator account; the password comes from ASSENT_ADMIN_PASSWORD or a prompt
    Create {
        /// The operator's email address, used to sign in
        email: String,
    },
    /// Set a new password for an operator and end their sessions
    ResetPassword {
        /// The operator's email address
        email: String,
    },
    /// Tokens of the API for scripts
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token and print it, the only time it is shown
    Create {
        /// A name for what will use it, e.g. crm-sync
        name: String,
    },
    /// Print every token's name, when it was made and last used, and whether it is revoked
    List,
    /// Revoke a token: it stops working at once
    Revoke {
        /// The token's name
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DkimCommand {
    /// Write a new private key and print the DNS record that publishes it
    Keygen {
        /// The signing domain (d=), e.g. example.com
        #[arg(long, value_name = "DOMAIN")]
        domain: String,
        /// The selector (s=) the record is published under, e.g. mail2026
        #[arg(long, value_name = "SELECTOR")]
        selector: String,
        #[arg(long, value_enum, default_value = "rsa")]
        algorithm: AlgorithmArg,
        /// Where to write the key (PEM, mode 0600); an existing file is kept
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AlgorithmArg {
    Rsa,
    Ed25519,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Pending,
    Confirmed,
    Unsubscribed,
}

impl From<StatusArg> for Status {
    fn from(arg: StatusArg) -> Self {
        match arg {
            StatusArg::Pending => Status::Pending,
            StatusArg::Confirmed => Status::Confirmed,
            StatusArg::Unsubscribed => Status::Unsubscribed,
        }
    }
}
