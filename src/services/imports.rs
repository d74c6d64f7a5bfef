//! CSV imports: a file of addresses into a list. Each new address becomes
//! pending and is sent a confirmation request, at a pace the relay can take.
//!
//! The upload is streamed into the database as it arrives, checked on the
//! way (UTF-8, size, line length) and counted. Then an import job reads it
//! a piece at a time; each piece is one transaction that adds its addresses,
//! records the refused lines, moves the import's place in the file on and
//! deletes the pieces behind it, so a job cut short by a crash resumes
//! where it stopped, in whichever process claims it next (or in the
//! `assent import` that claims it, see [`Claimed`]). Memory stays flat
//! whatever the file's size.

use diesel::Connection;
use serde::{Deserialize, Serialize};

use super::double_opt_in::{append_event, queue_confirmation};
use super::export::from_spreadsheet;
use super::{Operator, ServiceError, Services};
use crate::db::imports::{self, Progress};
use crate::db::models::{Import, ImportStatus, JobKind, JobStatus, List};
use crate::db::{DbConn, audit, jobs, lists, subscriptions, suppressions};
use crate::domain::field::{FieldDef, FieldError};
use crate::domain::list::wording_hash;
use crate::domain::{
    Act, Channel, EmailError, Evidence, ImportId, JobId, Lane, NameError, SubscriberEmail,
    SubscriberName,
};
use crate::i18n::Lang;

/// The largest file accepted: about a million addresses.
pub const MAX_UPLOAD: u64 = 64 * 1024 * 1024;
/// The longest line accepted; an address is at most 254 bytes.
pub const MAX_LINE: usize = 4096;
/// The file is stored, and read back, in pieces of this size. One piece
/// (about 500 addresses) is one step of the job.
const CHUNK: usize = 16 * 1024;
/// Refused lines shown on the import's page; the rest are counted.
pub const PROBLEMS_SHOWN: i64 = 1000;

/// Why an upload was refused; nothing of it is kept.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("Choose a list that takes signups.")]
    UnknownList,
    #[error("The upload could not be read. Choose the file again and retry.")]
    Unreadable,
    #[error("The file is not UTF-8 text. Save it as UTF-8 CSV.")]
    NotUtf8,
    #[error("The file is larger than 64 MiB. Split it into smaller files.")]
    TooLarge,
    #[error("Line {0} is longer than 4 KiB: this does not look like a list of addresses.")]
    LineTooLong(u64),
    #[error("The file holds no addresses.")]
    NoAddresses,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// Why a line of a file was not imported. It is stored as a code, so that
/// the import's page reads it in the language of whoever looks.
#[derive(Debug)]
pub enum Problem {
    Address(EmailError),
    Name(NameError),
    AlreadyOnList,
    DuplicateOf(i64),
    Suppressed,
    /// A `field.KEY` column's value that its field's type does not read.
    Field(String, FieldError),
}

impl Problem {
    pub fn code(&self) -> String {
        match self {
            Problem::Address(e) => format!("address {}", e.message_id()),
            Problem::Name(NameError::TooLong) => "name too-long".into(),
            Problem::Name(NameError::ControlCharacter) => "name control".into(),
            Problem::AlreadyOnList => "already-on-list".into(),
            Problem::DuplicateOf(line) => format!("duplicate {line}"),
            Problem::Suppressed => "suppressed".into(),
            Problem::Field(key, e) => format!("field {key} {}", e.message_id()),
        }
    }

    /// A stored code in words; text that is not a code is shown as it is.
    pub fn describe(code: &str, lang: Lang) -> String {
        let (what, detail) = code.split_once(' ').unwrap_or((code, ""));
        match (what, detail) {
            ("address", id) if id.starts_with("email-error-") => {
                lang.t1("admin-import-problem-address", "reason", lang.t(id))
            }
            ("field", detail) if detail.contains(" field-error-") => {
                let (key, id) = detail.split_once(' ').unwrap_or((detail, ""));
                lang.t2(
                    "admin-import-problem-field",
                    "field",
                    key,
                    "reason",
                    lang.t(id),
                )
            }
            ("name", "too-long") => NameError::TooLong.describe(lang),
            ("name", "control") => NameError::ControlCharacter.describe(lang),
            ("already-on-list", "") => lang.t("admin-import-problem-on-list"),
            ("duplicate", line) if line.parse::<i64>().is_ok() => {
                lang.t1("admin-import-problem-duplicate", "line", line)
            }
            ("suppressed", "") => lang.t("admin-import-problem-suppressed"),
            _ => code.to_owned(),
        }
    }
}

/// What the import job needs besides the import's row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportJob {
    pub import: ImportId,
    pub admin: String,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// An upload in progress: the pieces stored so far and what was seen.
pub struct Upload {
    id: ImportId,
    list: List,
    /// Bytes not yet stored, less than a piece.
    pending: Vec<u8>,
    seq: i32,
    size: u64,
    /// The start of a UTF-8 sequence cut by the end of the last write.
    utf8_tail: Vec<u8>,
    /// The line being read, up to [`MAX_LINE`] bytes.
    line: Vec<u8>,
    lines: u64,
    rows: u64,
    /// Whether a line with content was seen, so the header is only looked
    /// for on the first one.
    seen_content: bool,
    /// The header line, when the file has one.
    header: Option<String>,
}

/// Starts an import into the list `slug`.
pub async fn begin(
    services: &Services,
    operator: &Operator,
    slug: String,
) -> Result<Upload, UploadError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    let started = services
        .db
        .write(move |c| {
            let Some(list) = lists::by_slug(c, &slug)? else {
                return Ok::<_, ServiceError>(None);
            };
            let id = imports::create(c, list.id, &email, clock.now().ms())?;
            Ok(Some((id, list)))
        })
        .await?;
    let (id, list) = started.ok_or(UploadError::UnknownList)?;
    Ok(Upload {
        id,
        list,
        pending: Vec::with_capacity(CHUNK),
        seq: 0,
        size: 0,
        utf8_tail: Vec::new(),
        line: Vec::new(),
        lines: 0,
        rows: 0,
        seen_content: false,
        header: None,
    })
}

impl Upload {
    /// Takes the next bytes of the file.
    pub async fn push(&mut self, services: &Services, bytes: &[u8]) -> Result<(), UploadError> {
        self.size += bytes.len() as u64;
        if self.size > MAX_UPLOAD {
            return Err(UploadError::TooLarge);
        }
        self.check_utf8(bytes)?;
        for &b in bytes {
            if b == b'\n' {
                self.end_line();
            } else if self.line.len() < MAX_LINE {
                self.line.push(b);
            } else {
                return Err(UploadError::LineTooLong(self.lines + 1));
            }
        }
        self.pending.extend_from_slice(bytes);
        while self.pending.len() >= CHUNK {
            let rest = self.pending.split_off(CHUNK);
            let piece = std::mem::replace(&mut self.pending, rest);
            self.store(services, piece).await?;
        }
        Ok(())
    }

    /// The file is whole: the import is queued. Returns its id. A file
    /// refused now is dropped.
    pub async fn finish(
        self,
        services: &Services,
        operator: &Operator,
        request_id: Option<String>,
    ) -> Result<ImportId, UploadError> {
        let queued = self.queue(services, operator, request_id, None).await?;
        services.wake.jobs();
        Ok(queued.import)
    }

    /// Like [`Upload::finish`], for a process that runs the import itself
    /// (`assent import`): the job is queued claimed by `process`, see
    /// [`Claimed`].
    pub async fn finish_claimed(
        self,
        services: &Services,
        operator: &Operator,
        process: &str,
    ) -> Result<Claimed, UploadError> {
        self.queue(services, operator, None, Some(process.to_owned()))
            .await
    }

    async fn queue(
        mut self,
        services: &Services,
        operator: &Operator,
        request_id: Option<String>,
        claim: Option<String>,
    ) -> Result<Claimed, UploadError> {
        let clock = services.clock.clone();
        if !self.line.is_empty() {
            self.end_line();
        }
        let refusal = if !self.utf8_tail.is_empty() {
            Some(UploadError::NotUtf8)
        } else if self.rows == 0 {
            Some(UploadError::NoAddresses)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            self.abandon(services).await?;
            return Err(refusal);
        }
        let piece = std::mem::take(&mut self.pending);
        if !piece.is_empty() {
            self.store(services, piece).await?;
        }
        let import_job = ImportJob {
            import: self.id,
            admin: operator.email.clone(),
            client_ip: operator.evidence.client_ip.clone(),
            user_agent: operator.evidence.user_agent.clone(),
        };
        let payload = import_job.clone();
        let (id, total, size) = (
            self.id,
            i32::try_from(self.rows).unwrap_or(i32::MAX),
            self.size as i64,
        );
        let (email, slug) = (operator.email.clone(), self.list.slug.clone());
        let header = self.header.clone();
        let process = claim.clone();
        let job = services
            .db
            .write(move |c| {
                c.transaction(|c| {
                    let now = clock.now().ms();
                    imports::uploaded(c, id, total, size, header.as_deref())?;
                    let job = jobs::enqueue(
                        c,
                        JobKind::Import,
                        &payload,
                        now,
                        request_id.as_deref(),
                        now,
                    )?;
                    if let Some(process) = &claim {
                        jobs::claim(c, job, process)?;
                    }
                    audit::record(
                        c,
                        &email,
                        "import",
                        &format!("list {slug}"),
                        &format!("import #{id}: {total} rows"),
                        now,
                    )?;
                    Ok::<_, ServiceError>(job)
                })
            })
            .await?;
        Ok(Claimed {
            import: id,
            job,
            payload: import_job,
            process: process.unwrap_or_default(),
        })
    }

    /// Drops what was stored of a refused or broken upload.
    pub async fn abandon(self, services: &Services) -> Result<(), ServiceError> {
        let id = self.id;
        services
            .db
            .write(move |c| Ok::<_, ServiceError>(imports::delete(c, id)?))
            .await
    }

    fn check_utf8(&mut self, bytes: &[u8]) -> Result<(), UploadError> {
        let mut joined = std::mem::take(&mut self.utf8_tail);
        joined.extend_from_slice(bytes);
        match std::str::from_utf8(&joined) {
            Ok(_) => Ok(()),
            // Cut in the middle of a character: the rest comes next.
            Err(e) if e.error_len().is_none() => {
                self.utf8_tail = joined[e.valid_up_to()..].to_vec();
                Ok(())
            }
            Err(_) => Err(UploadError::NotUtf8),
        }
    }

    fn end_line(&mut self) {
        self.lines += 1;
        let line = String::from_utf8_lossy(&self.line);
        let text = if self.lines == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            &line
        };
        if !text.trim().is_empty() {
            let header = !self.seen_content && is_header(text);
            self.seen_content = true;
            if header {
                self.header = Some(text.to_owned());
            } else {
                self.rows += 1;
            }
        }
        self.line.clear();
    }

    async fn store(&mut self, services: &Services, piece: Vec<u8>) -> Result<(), UploadError> {
        let (id, seq) = (self.id, self.seq);
        self.seq += 1;
        services
            .db
            .write(move |c| Ok::<_, ServiceError>(imports::add_chunk(c, id, seq, &piece)?))
            .await?;
        Ok(())
    }
}

/// Where a file keeps the address and the name: the first two columns,
/// unless a header names them (an export's `name` comes after its §1
/// columns).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Columns {
    email: usize,
    name: Option<usize>,
    /// (column, field key) of each `field.KEY` column.
    fields: Vec<(usize, String)>,
}

impl Columns {
    const PLAIN: Columns = Columns {
        email: 0,
        name: Some(1),
        fields: Vec::new(),
    };

    fn of(header: Option<&str>) -> Columns {
        let Some(header) = header else {
            return Columns::PLAIN;
        };
        let names = fields_of(header);
        let find = |wanted: &str| names.iter().position(|n| n.eq_ignore_ascii_case(wanted));
        Columns {
            email: find("email").unwrap_or(0),
            name: find("name").or_else(|| (names.len() == 2).then_some(1)),
            fields: names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| Some((i, n.strip_prefix("field.")?.to_owned())))
                .collect(),
        }
    }

    /// The `field.KEY` values of a line, as (key, text).
    fn field_values(&self, line: &str) -> Vec<(String, String)> {
        if self.fields.is_empty() {
            return Vec::new();
        }
        let cells = fields_of(line);
        self.fields
            .iter()
            .filter_map(|(i, key)| {
                let cell = cells.get(*i)?;
                Some((key.clone(), from_spreadsheet(cell).to_owned()))
            })
            .collect()
    }
}

fn fields_of(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes());
    match reader.records().next() {
        Some(Ok(record)) => record.iter().map(str::to_owned).collect(),
        _ => vec![line.trim().to_owned()],
    }
}

/// One line as CSV: (address, name). Quoted fields may hold commas; a
/// field an export protected from spreadsheets is read without its `'`.
fn parse_line(line: &str, columns: &Columns) -> (String, String) {
    let fields = fields_of(line);
    let at = |i: Option<usize>| {
        i.and_then(|i| fields.get(i))
            .map(|f| from_spreadsheet(f).to_owned())
            .unwrap_or_default()
    };
    (at(Some(columns.email)), at(columns.name))
}

/// A line's field values read as their fields' types say; a column of a
/// field that no longer exists is left out. Required fields are a signup's
/// rule, not an import's.
fn field_values(
    defs: &[FieldDef],
    sent: Vec<(String, String)>,
) -> Result<Vec<(i64, String)>, Problem> {
    let mut values = Vec::new();
    for (key, text) in sent {
        let Some(def) = defs.iter().find(|d| d.key == key) else {
            continue;
        };
        match def.parse(&text) {
            Ok(Some(value)) => values.push((def.id, value)),
            Ok(None) => {}
            Err(e) => return Err(Problem::Field(key, e)),
        }
    }
    Ok(values)
}

/// A first line whose first field is `email` names the columns.
fn is_header(line: &str) -> bool {
    fields_of(line)
        .first()
        .is_some_and(|f| f.eq_ignore_ascii_case("email"))
}

/// What one step of an import job came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// More of the file is left.
    Continue { added: i32 },
    /// The whole file was read; the import is done.
    Finished,
}

/// Reads the next piece of the file and adds its addresses, in one
/// transaction; the job's runner calls this until it says `Finished`.
pub fn step(conn: &mut DbConn, services: &Services, job: &ImportJob) -> Result<Step, ServiceError> {
    let clock = services.clock.clone();
    conn.transaction(|conn| {
        let now = clock.now().ms();
        let Some((import, _)) = imports::by_id(conn, job.import)? else {
            return Ok(Step::Finished);
        };
        if import.status != ImportStatus::Running {
            return Ok(Step::Finished);
        }
        if import.cursor_offset >= import.file_size {
            end(conn, job, &import, ImportStatus::Done, now)?;
            return Ok(Step::Finished);
        }
        let list = lists::by_id(conn, import.list_id)?;
        let (seq, start) = (
            (import.cursor_offset / CHUNK as i64) as i32,
            (import.cursor_offset % CHUNK as i64) as usize,
        );
        // The pieces read go as the job goes: deleting the whole file at the
        // end would hold all of it in memory at once (SQLite keeps the pages
        // a savepoint changes in memory), and the addresses leave sooner.
        imports::delete_chunks_before(conn, import.id, seq)?;
        // This piece and the next: a line that starts in this one ends there.
        let buffer = imports::chunks(conn, import.id, seq, seq + 1)?.concat();
        let lines = lines_from(&buffer, start, CHUNK.min(buffer.len()));
        let reader = StepReader {
            services,
            job,
            list: &list,
            import: &import,
            now,
        };
        let read = reader.read(conn, &lines)?;
        let end = lines.last().map_or(start, |l| l.next);
        imports::advance(
            conn,
            import.id,
            &Progress {
                processed: read.rows,
                added: read.added,
                cursor_offset: i64::from(seq) * CHUNK as i64 + end as i64,
                cursor_line: import.cursor_line + lines.len() as i64,
                problems: &read.problems,
            },
        )?;
        Ok(Step::Continue { added: read.added })
    })
}

/// One line of the piece being read.
struct Line<'a> {
    text: std::borrow::Cow<'a, str>,
    /// Where the line after it starts.
    next: usize,
}

/// The lines that start in `buffer[start..limit]`, each to its end.
fn lines_from(buffer: &[u8], start: usize, limit: usize) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut pos = start;
    while pos < limit {
        let end = buffer[pos..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(buffer.len(), |i| pos + i);
        let bytes = &buffer[pos..end];
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        lines.push(Line {
            text: String::from_utf8_lossy(bytes),
            next: (end + 1).min(buffer.len()),
        });
        pos = end + 1;
    }
    lines
}

struct StepReader<'a> {
    services: &'a Services,
    job: &'a ImportJob,
    list: &'a List,
    import: &'a Import,
    now: i64,
}

/// What a step read.
struct Read {
    /// Lines with content, the header aside.
    rows: i32,
    added: i32,
    /// (line, reason) of each refused line.
    problems: Vec<(i64, String)>,
}

impl StepReader<'_> {
    /// Adds the addresses of `lines`.
    fn read(&self, conn: &mut DbConn, lines: &[Line<'_>]) -> Result<Read, ServiceError> {
        let (mut rows, mut added, mut problems) = (0, 0, Vec::new());
        let columns = Columns::of(self.import.header.as_deref());
        let defs = self.services.fields.get();
        for (i, line) in lines.iter().enumerate() {
            let number = self.import.cursor_line + i as i64 + 1;
            let text = if number == 1 {
                line.text.trim_start_matches('\u{feff}')
            } else {
                &line.text
            };
            if text.trim().is_empty() {
                continue;
            }
            if self.import.processed == 0 && rows == 0 && is_header(text) {
                continue;
            }
            rows += 1;
            let (raw_email, raw_name) = parse_line(text, &columns);
            let email = match SubscriberEmail::parse(&raw_email) {
                Ok(email) => email,
                Err(e) => {
                    problems.push((number, Problem::Address(e).code()));
                    continue;
                }
            };
            let name = match SubscriberName::parse(&raw_name) {
                Ok(name) => name,
                Err(e) => {
                    problems.push((number, Problem::Name(e).code()));
                    continue;
                }
            };
            let values = match field_values(&defs, columns.field_values(text)) {
                Ok(values) => values,
                Err(problem) => {
                    problems.push((number, problem.code()));
                    continue;
                }
            };
            let source = format!(
                "{}{number}, by {}",
                source_prefix(self.import.id),
                self.job.admin
            );
            let evidence = Evidence::new(
                self.job.client_ip.clone(),
                self.job.user_agent.as_deref(),
                Some(source.as_str()),
            );
            match import_address(
                conn,
                self.services,
                self.list,
                Person {
                    email: &email,
                    name: name.as_ref(),
                    fields: &values,
                },
                &evidence,
                self.now,
                self.import.id,
            )? {
                Imported::Added => added += 1,
                Imported::AlreadyOnList => problems.push((number, Problem::AlreadyOnList.code())),
                Imported::DuplicateOf(first) => {
                    problems.push((number, Problem::DuplicateOf(first).code()))
                }
                Imported::Suppressed => problems.push((number, Problem::Suppressed.code())),
            }
        }
        Ok(Read {
            rows,
            added,
            problems,
        })
    }
}

/// How the consent event of an imported address names its import and line:
/// `import #7, line 12, by ops@example.com`.
fn source_prefix(id: ImportId) -> String {
    format!("import #{id}, line ")
}

/// The line of import `id` that a consent event's source names, if any.
fn line_in(source: &str, id: ImportId) -> Option<i64> {
    let rest = source.strip_prefix(&source_prefix(id))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// What became of one imported address.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Imported {
    Added,
    /// Already on the list, in whatever state: left as it is.
    AlreadyOnList,
    /// Added by an earlier line of the same file (letter case aside).
    DuplicateOf(i64),
    /// Erased earlier: an import may not bring it back.
    Suppressed,
}

/// One line's person: the address, the name and the field values it gives.
struct Person<'a> {
    email: &'a SubscriberEmail,
    name: Option<&'a SubscriberName>,
    fields: &'a [(i64, String)],
}

/// Adds one address to `list` as pending, with its confirmation request
/// queued as bulk mail, so that a large file goes at the pace the relay
/// takes. Runs inside the caller's transaction.
fn import_address(
    conn: &mut DbConn,
    services: &Services,
    list: &List,
    person: Person<'_>,
    evidence: &Evidence,
    now: i64,
    import: ImportId,
) -> Result<Imported, ServiceError> {
    let Person {
        email,
        name,
        fields: values,
    } = person;
    let hash = crate::auth::suppression_hash(&services.secret_key, email.as_str());
    if suppressions::contains(conn, &hash)? {
        return Ok(Imported::Suppressed);
    }
    let same = subscriptions::same_address(conn, email)?;
    for subscriber in &same {
        if let Some(subscription) = subscriptions::find(conn, subscriber.id, list.id)? {
            let line = subscriptions::last_request(conn, subscription.id)?
                .and_then(|event| event.source)
                .and_then(|source| line_in(&source, import));
            return Ok(match line {
                Some(line) => Imported::DuplicateOf(line),
                None => Imported::AlreadyOnList,
            });
        }
    }
    let subscriber = match same.into_iter().next() {
        Some(subscriber) => subscriber,
        None => subscriptions::insert_or_get_subscriber(
            conn,
            email,
            name.map(SubscriberName::as_str),
            now,
        )?,
    };
    let (subscription, created) = subscriptions::insert_or_get(conn, subscriber.id, list.id, now)?;
    if !created {
        return Ok(Imported::AlreadyOnList);
    }
    crate::db::fields::fill_blanks(conn, subscriber.id, values)?;
    append_event(
        conn,
        subscription.id,
        Act::Requested,
        Channel::Import,
        evidence,
        Some((list.consent_version, &wording_hash(&list.consent_wording))),
        now,
    )?;
    queue_confirmation(conn, services, subscription.id, email, Lane::Requests, now)?;
    Ok(Imported::Added)
}

/// An import whose job its own process claimed at the queueing (`assent
/// import`, see [`crate::jobs::claimant`]): no runtime takes it while that
/// process lives. One that stops or stalls loses the claim like any
/// process, and a runtime resumes the import from its stored place.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub import: ImportId,
    job: JobId,
    payload: ImportJob,
    process: String,
}

/// One [`step`] of a claimed import, after checking in the same
/// transaction that the claim still stands; the last step marks the job
/// done. `None` when the claim is lost: a runtime may have the job, and the
/// caller must stop stepping.
pub fn step_claimed(
    conn: &mut DbConn,
    services: &Services,
    claimed: &Claimed,
) -> Result<Option<Step>, ServiceError> {
    let now = services.clock.now().ms();
    conn.transaction(|conn| {
        let job = jobs::by_id(conn, claimed.job)?;
        let ours = job.is_some_and(|job| {
            job.status == JobStatus::Queued
                && job.claimed_by.as_deref() == Some(claimed.process.as_str())
        });
        if !ours {
            return Ok(None);
        }
        let step = step(conn, services, &claimed.payload)?;
        if step == Step::Finished {
            jobs::finish(conn, claimed.job, JobStatus::Done, None, now)?;
        }
        Ok(Some(step))
    })
}

/// An import's row as it stands.
pub async fn progress(services: &Services, id: ImportId) -> Result<Option<Import>, ServiceError> {
    services
        .db
        .read(move |c| Ok(imports::by_id(c, id)?.map(|(import, _)| import)))
        .await
}

/// Up to `limit` refused lines after problem `after`, as (problem, line,
/// reason), for a report that pages through all of them.
pub async fn problems_after(
    services: &Services,
    id: ImportId,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, i64, String)>, ServiceError> {
    services
        .db
        .read(move |c| Ok(imports::problems(c, id, after, limit)?))
        .await
}

/// Marks an import whose job failed for good.
pub fn fail(conn: &mut DbConn, job: &ImportJob, now: i64) -> Result<(), ServiceError> {
    match imports::by_id(conn, job.import)? {
        Some((import, _)) => end(conn, job, &import, ImportStatus::Failed, now),
        None => Ok(()),
    }
}

/// Ends an import, its file deleted, and records it in the audit log.
fn end(
    conn: &mut DbConn,
    job: &ImportJob,
    import: &Import,
    status: ImportStatus,
    now: i64,
) -> Result<(), ServiceError> {
    imports::finish(conn, import.id, status, now)?;
    let list = lists::by_id(conn, import.list_id)?;
    audit::record(
        conn,
        &job.admin,
        "import_finished",
        &format!("list {}", list.slug),
        &format!("import #{} {status}: {} added", import.id, import.added),
        now,
    )?;
    Ok(())
}

/// An import as its page shows it.
pub struct ImportView {
    pub import: Import,
    pub list_name: String,
    /// The first [`PROBLEMS_SHOWN`] refused lines: (line, reason).
    pub problems: Vec<(i64, String)>,
}

pub async fn view(services: &Services, id: ImportId) -> Result<Option<ImportView>, ServiceError> {
    services
        .db
        .read(move |c| {
            let Some((import, list_name)) = imports::by_id(c, id)? else {
                return Ok(None);
            };
            if import.status == ImportStatus::Uploading {
                return Ok(None);
            }
            let problems = imports::problems(c, id, 0, PROBLEMS_SHOWN)?
                .into_iter()
                .map(|(_, line, reason)| (line, reason))
                .collect();
            Ok(Some(ImportView {
                import,
                list_name,
                problems,
            }))
        })
        .await
}

/// The most recent imports, newest first, with their list's name.
pub async fn recent(services: &Services) -> Result<Vec<(Import, String)>, ServiceError> {
    services.db.read(|c| Ok(imports::recent(c, 20)?)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_an_export_protected_is_read_as_it_was() {
        assert_eq!(
            parse_line("'-x@example.com,'=Ada", &Columns::PLAIN),
            ("-x@example.com".to_owned(), "=Ada".to_owned())
        );
        assert_eq!(
            parse_line("'+y@example.com,'@home", &Columns::PLAIN),
            ("+y@example.com".to_owned(), "@home".to_owned())
        );
        // A quote before anything else is the address's own.
        assert_eq!(
            parse_line("'z@example.com", &Columns::PLAIN).0,
            "'z@example.com"
        );
    }

    #[test]
    fn lines_keep_their_ends_and_the_last_may_lack_one() {
        let buffer = b"a@x.org\r\nb@x.org\n\nc@x.org";
        let lines = lines_from(buffer, 0, buffer.len());
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_ref()).collect();
        assert_eq!(texts, ["a@x.org", "b@x.org", "", "c@x.org"]);
        assert_eq!(lines[0].next, 9);
        assert_eq!(lines.last().map(|l| l.next), Some(buffer.len()));
        // Only lines that start before the limit are read.
        assert_eq!(lines_from(buffer, 9, 10).len(), 1);
    }

    #[test]
    fn an_exports_header_puts_the_name_where_it_says() {
        let header = "email,list,status,created_at,confirmed_at,unsubscribed_at,name,field.plan";
        let columns = Columns::of(Some(header));
        assert_eq!((columns.email, columns.name), (0, Some(6)));
        assert_eq!(columns.fields, [(7, "plan".to_owned())]);
        assert_eq!(
            columns.field_values("a@example.com,n,confirmed,t,,,Ada,'=pro"),
            [("plan".to_owned(), "=pro".to_owned())]
        );
        let line = "'-ada@example.com,newsletter,confirmed,2026-01-01T00:00:00Z,,,Ada Lovelace,pro";
        assert_eq!(
            parse_line(line, &columns),
            ("-ada@example.com".to_owned(), "Ada Lovelace".to_owned())
        );
        assert_eq!(Columns::of(Some("email")).name, None);
        assert_eq!(Columns::of(Some("Email,Name")), Columns::PLAIN);
    }

    #[test]
    fn a_line_is_csv_and_the_header_is_known() {
        assert_eq!(
            parse_line("jo@example.com,\"Doe, Jo\"", &Columns::PLAIN),
            ("jo@example.com".to_owned(), "Doe, Jo".to_owned())
        );
        assert_eq!(
            parse_line("  bob@example.com  ", &Columns::PLAIN).0,
            "bob@example.com"
        );
        assert!(is_header("Email,name"));
        assert!(!is_header("ada@example.com"));
    }

    #[test]
    fn an_event_source_names_its_line() {
        let id = ImportId(7);
        let source = format!("{}12, by ops@example.com", source_prefix(id));
        assert_eq!(line_in(&source, id), Some(12));
        assert_eq!(line_in(&source, ImportId(8)), None);
        assert_eq!(line_in("/subscribe", id), None);
    }
}
