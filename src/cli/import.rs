//! `assent import FILE --list SLUG`: the admin CSV import from the command
//! line (contract §13). The file takes the admin upload's way, stored in the
//! database a piece at a time, and this process then runs the import job
//! itself, held away from the runners of `serve` and `worker` (see
//! [`imports::Hold`]); so the rules, the line numbers and the report are
//! the admin import's, and memory stays flat at any size.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use url::Url;

use super::Failure;
use crate::config::Settings;
use crate::db::models::{Import, ImportStatus};
use crate::domain::{Clock, Evidence, ImportId};
use crate::i18n::Lang;
use crate::jobs::Role;
use crate::jobs::claimant::Claimant;
use crate::services::imports::{self, Claimed, Problem, Step, UploadError};
use crate::services::{Operator, Services};
use crate::startup;

/// The file is read and handed on in pieces of this size.
const PIECE: usize = 64 * 1024;
/// Refused lines read from the database at a time for the report.
const REPORT_PAGE: i64 = 1000;
/// Without a terminal, a progress line at each tenth and at least this often.
const PLAIN_EVERY: Duration = Duration::from_secs(10);
/// How often an import run by another process is looked at.
const WATCH_EVERY: Duration = Duration::from_millis(500);

pub async fn run(
    settings: Settings,
    clock: &Clock,
    file: PathBuf,
    slug: String,
) -> Result<(), Failure> {
    // The file first: a wrong path is told before the database is touched.
    let (mut input, size) = open(&file)?;
    let services = Arc::new(services(&settings, clock).await?);
    // The import's audit entries and consent events say where it came from.
    let operator = Operator {
        email: "command line".into(),
        evidence: Evidence::new(None, Some("assent import"), None),
    };
    let refused = |e: UploadError| match e {
        UploadError::UnknownList => {
            Failure::Usage(format!("--list: no list has the slug {slug:?}"))
        }
        UploadError::Service(e) => Failure::Failed(e.to_string()),
        e => Failure::Usage(format!("{}: {e}", file.display())),
    };
    let interrupted = interruptible();
    let mut upload = imports::begin(&services, &operator, slug.clone())
        .await
        .map_err(refused)?;

    let mut meter = Meter::new("storing the file", "bytes", size);
    let mut buffer = vec![0; PIECE];
    let mut stored = 0;
    loop {
        if interrupted.load(Ordering::SeqCst) {
            meter.clear();
            upload.abandon(&services).await.map_err(failed)?;
            return Err(Failure::Failed("interrupted: nothing was imported".into()));
        }
        // A local file: a short blocking read, kept off the other tasks.
        let read = tokio::task::block_in_place(|| input.read(&mut buffer));
        let pushed = match read {
            Ok(0) => break,
            Ok(n) => {
                stored += n as u64;
                upload.push(&services, &buffer[..n]).await.map_err(refused)
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => Err(Failure::Usage(format!("{}: {e}", file.display()))),
        };
        if let Err(failure) = pushed {
            meter.clear();
            upload.abandon(&services).await.map_err(failed)?;
            return Err(failure);
        }
        meter.set(stored, "");
    }
    meter.clear();
    // Registered like `serve` and `worker`: if this process stops, they take
    // the import back and carry it on.
    let claimant = Claimant::register(Arc::clone(&services), Role::Import)
        .await
        .map_err(failed)?;
    let claimed = match upload
        .finish_claimed(&services, &operator, claimant.process())
        .await
    {
        Ok(claimed) => claimed,
        Err(e) => {
            let _ = claimant.leave().await;
            return Err(refused(e));
        }
    };
    let id = claimed.import;
    let driven = drive(&services, &claimed, &interrupted).await;
    // Whatever this process still holds goes back to the runtimes now.
    claimant.leave().await.map_err(failed)?;
    let import = driven?;
    report(&services, &import).await?;
    if import.added > 0 {
        eprintln!(
            "assent: {} confirmation requests are queued; `assent serve` or `assent worker` sends them, at most ASSENT_SEND_RATE a second with the other bulk mail",
            import.added
        );
    }
    match import.status {
        ImportStatus::Done => Ok(()),
        status => Err(Failure::Failed(format!("import #{id} ended {status}"))),
    }
}

fn failed(e: impl std::fmt::Display) -> Failure {
    Failure::Failed(e.to_string())
}

/// The file and its size; a path that cannot be read is a usage error.
fn open(path: &Path) -> Result<(std::fs::File, u64), Failure> {
    let unreadable = |e: std::io::Error| Failure::Usage(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(Failure::Usage(format!(
            "{}: a directory, not a file",
            path.display()
        )));
    }
    Ok((file, meta.len()))
}

/// The services an import needs, as `serve` builds them, without mail
/// transport or background runtime: confirmations are only queued here.
async fn services(settings: &Settings, clock: &Clock) -> Result<Services, Failure> {
    let (db, secret_key) =
        startup::prepare_database(settings, clock)
            .await
            .map_err(|e| match e {
                startup::StartupError::Config(e) => Failure::Usage(e.to_string()),
                e => failed(e),
            })?;
    let base_url = match &settings.base_url {
        Some(url) => url.clone(),
        None => Url::parse(&format!("http://{}", settings.bind)).map_err(failed)?,
    };
    Ok(Services::from_settings(
        settings,
        db,
        secret_key,
        base_url,
        None,
        clock.clone(),
    ))
}

/// Set by Ctrl-C, which then stops the work between two steps so that it
/// can be handed on cleanly; a second Ctrl-C stops at once.
fn interruptible() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = Arc::clone(&flag);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            set.store(true, Ordering::SeqCst);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    flag
}

/// Runs the claimed import to its end, or watches whichever process took
/// it over, and returns its row as it ended.
async fn drive(
    services: &Arc<Services>,
    claimed: &Claimed,
    interrupted: &AtomicBool,
) -> Result<Import, Failure> {
    let id = claimed.import;
    let mut import = current(services, id).await?;
    let mut meter = Meter::new(
        "importing",
        "rows",
        u64::try_from(import.total).unwrap_or(0),
    );
    loop {
        if interrupted.load(Ordering::SeqCst) {
            meter.clear();
            return Err(Failure::Failed(format!(
                "interrupted: import #{id} is left to `assent serve` or `assent worker`, which carry it on where it stopped"
            )));
        }
        let (s, c) = (Arc::clone(services), claimed.clone());
        let stepped = services
            .db
            .write(move |conn| imports::step_claimed(conn, &s, &c))
            .await;
        match stepped {
            Ok(Some(step)) => {
                import = current(services, id).await?;
                meter.show(&import);
                if step == Step::Finished {
                    break;
                }
            }
            Ok(None) => {
                meter.clear();
                eprintln!("assent: import #{id} was taken over by another process; waiting for it");
                import = watch(services, id, &mut meter, interrupted).await?;
                break;
            }
            Err(e) => {
                meter.clear();
                return Err(Failure::Failed(format!(
                    "import #{id} stopped: {e}; `assent serve` or `assent worker` carries it on"
                )));
            }
        }
    }
    meter.clear();
    Ok(import)
}

/// Follows an import that another process runs until it ends.
async fn watch(
    services: &Services,
    id: ImportId,
    meter: &mut Meter,
    interrupted: &AtomicBool,
) -> Result<Import, Failure> {
    loop {
        let import = current(services, id).await?;
        if import.status != ImportStatus::Running {
            return Ok(import);
        }
        if interrupted.load(Ordering::SeqCst) {
            meter.clear();
            return Err(Failure::Failed(format!(
                "interrupted: import #{id} goes on in the process that runs it"
            )));
        }
        meter.show(&import);
        tokio::time::sleep(WATCH_EVERY).await;
    }
}

async fn current(services: &Services, id: ImportId) -> Result<Import, Failure> {
    imports::progress(services, id)
        .await
        .map_err(failed)?
        .ok_or_else(|| Failure::Failed(format!("import #{id} is gone")))
}

/// Every refused line as `line N: reason`, in the order found, then the
/// counts; read a page at a time, so any number of them fits.
async fn report(services: &Services, import: &Import) -> Result<(), Failure> {
    let lang = Lang::ENGLISH;
    let writing = |e: std::io::Error| Failure::Failed(format!("writing: {e}"));
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut after = 0;
    loop {
        let page = imports::problems_after(services, import.id, after, REPORT_PAGE)
            .await
            .map_err(failed)?;
        let Some(&(last, _, _)) = page.last() else {
            break;
        };
        for (_, line, code) in &page {
            let reason = Problem::describe(code, lang);
            let text = lang.t2("admin-import-problem", "line", line, "reason", reason);
            writeln!(out, "{text}").map_err(writing)?;
        }
        after = last;
    }
    writeln!(out, "added {}, skipped {}", import.added, import.skipped).map_err(writing)?;
    out.flush().map_err(writing)
}

/// Progress on stderr: a bar on a terminal; otherwise a line at each tenth
/// and every [`PLAIN_EVERY`], so a cron job's log shows it moving without
/// filling up.
enum Meter {
    Bar(ProgressBar),
    Lines {
        what: &'static str,
        unit: &'static str,
        total: u64,
        tenths: u64,
        at: Instant,
    },
}

impl Meter {
    fn new(what: &'static str, unit: &'static str, total: u64) -> Self {
        if !std::io::stderr().is_terminal() {
            return Meter::Lines {
                what,
                unit,
                total,
                tenths: 0,
                at: Instant::now(),
            };
        }
        let counts = if unit == "bytes" {
            "{bytes}/{total_bytes}"
        } else {
            "{human_pos}/{human_len} rows {msg}"
        };
        let template = format!("{{prefix}} [{{bar:30}}] {counts} ({{eta}} left)");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::new(total).with_style(style).with_prefix(what);
        Meter::Bar(bar)
    }

    /// Where the import stands.
    fn show(&mut self, import: &Import) {
        let done = u64::try_from(import.processed).unwrap_or(0);
        self.set(done, &format!("{} added", import.added));
    }

    fn set(&mut self, done: u64, note: &str) {
        match self {
            Meter::Bar(bar) => {
                if !note.is_empty() {
                    bar.set_message(note.to_owned());
                }
                bar.set_position(done);
            }
            Meter::Lines {
                what,
                unit,
                total,
                tenths,
                at,
            } => {
                let now_tenths = (done * 10).checked_div(*total).unwrap_or(10);
                if now_tenths > *tenths || at.elapsed() >= PLAIN_EVERY {
                    let percent = (done * 100).checked_div(*total).unwrap_or(100);
                    let note = if note.is_empty() {
                        String::new()
                    } else {
                        format!(", {note}")
                    };
                    eprintln!("assent: {what}: {percent}% ({done} of {total} {unit}{note})");
                    *tenths = now_tenths;
                    *at = Instant::now();
                }
            }
        }
    }

    /// Takes the bar off the terminal; lines stay as printed.
    fn clear(&mut self) {
        if let Meter::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
