//! The command line (contract §1).

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Write every subscription as CSV to stdout
    Export {
        /// Only this list (its slug)
        #[arg(long, value_name = "SLUG")]
        list: Option<String>,
        /// Only subscriptions in this state
        #[arg(long, value_enum, value_name = "STATUS")]
        status: Option<StatusArg>,
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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Pending,
    Confirmed,
    Unsubscribed,
}

impl StatusArg {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusArg::Pending => "pending",
            StatusArg::Confirmed => "confirmed",
            StatusArg::Unsubscribed => "unsubscribed",
        }
    }
}
