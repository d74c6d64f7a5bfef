//! A small SMTP server on 127.0.0.1 for integration tests: it records the
//! mail the application sends and can be told to reject it.
//!
//! It uses blocking std sockets with one thread per connection so that it
//! works the same whichever async runtime (if any) the test uses.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How often the accept loop and async waiters look for changes.
const POLL_INTERVAL: Duration = Duration::from_millis(10);
/// Short read timeout so connection threads notice a stop quickly.
const READ_TIMEOUT: Duration = Duration::from_millis(200);
/// An idle client is dropped after this long, so forgotten threads end.
const IDLE_LIMIT: Duration = Duration::from_secs(300);
/// How long `start_on` keeps trying a port that is still in use.
const BIND_RETRY: Duration = Duration::from_secs(5);

/// How the server answers mail transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Accept and record every message.
    Accept,
    /// Answer `451 4.3.0` at the end of DATA: the client should retry later.
    TempFail,
    /// Answer `421 4.3.2` at the end of DATA and close: the relay itself
    /// is going away, whatever the recipient.
    Unavailable,
    /// Answer `550 5.1.1` to RCPT TO: the recipient does not exist.
    PermFail,
}

/// One message accepted by the server.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// The reverse path of MAIL FROM, without angle brackets (empty for `<>`).
    pub mail_from: String,
    /// The forward paths of the accepted RCPT TO commands, in order.
    pub rcpt_to: Vec<String>,
    /// The raw message: dot-unstuffed, CRLF line endings kept, without the
    /// final "." line. lettre always sends CRLF before that line, so a
    /// message that already ended with CRLF gains an empty last line.
    pub data: String,
}

impl ReceivedMail {
    /// The first header with that name (case-insensitive), unfolded and
    /// trimmed. Encoded words (RFC 2047) are left as they are.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers(name).into_iter().next()
    }

    /// All headers with that name, in order, unfolded and trimmed.
    pub fn headers(&self, name: &str) -> Vec<String> {
        let (headers, _) = split_entity(&self.data);
        header_values(&headers, name)
    }

    /// Like `header`, with RFC 2047 encoded words (`=?utf-8?b?...?=`) decoded,
    /// for comparing non-ASCII subjects or display names.
    pub fn decoded_header(&self, name: &str) -> Option<String> {
        self.header(name).map(|value| decode_encoded_words(&value))
    }

    /// The raw body after the header section, still transfer-encoded.
    pub fn body(&self) -> &str {
        split_entity(&self.data).1
    }

    /// The decoded text/plain part (or the whole body of a single-part
    /// text/plain message). Line endings are those of the decoded content,
    /// CRLF for text sent by lettre.
    pub fn text_part(&self) -> Option<String> {
        find_part(&self.data, "text/plain", 0)
    }

    /// The decoded text/html part.
    pub fn html_part(&self) -> Option<String> {
        find_part(&self.data, "text/html", 0)
    }
}

struct Shared {
    stopping: AtomicBool,
    behaviour: Mutex<Behaviour>,
    /// Recipients answered `550 5.1.1` whatever the behaviour.
    unknown: Mutex<HashSet<String>>,
    /// Domains whose recipients are answered `451 4.7.1`, as a provider
    /// that throttles a sender does.
    throttled: Mutex<HashSet<String>>,
    messages: Mutex<Vec<ReceivedMail>>,
    arrived: Condvar,
    /// Clones of the live connections, so `stop` can shut them down.
    connections: Mutex<HashMap<u64, TcpStream>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
    connection_count: AtomicUsize,
    /// Mail transactions that reached the end of DATA, whatever the answer.
    transaction_count: AtomicUsize,
    /// How long the server thinks before answering the end of DATA.
    delay: Mutex<Duration>,
}

/// A running SMTP server; stopped by `stop` or when dropped.
pub struct SmtpServer {
    port: u16,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> SmtpServer {
        SmtpServer::start_on(0)
    }

    /// Starts a server on the given port, e.g. to bring back a stopped one;
    /// waits up to ~5 s for the port to become free.
    pub fn start_on(port: u16) -> SmtpServer {
        let listener = bind(port);
        // Non-blocking so the accept loop can notice `stop` and drop the
        // listener, which makes the port refuse connections.
        listener
            .set_nonblocking(true)
            .expect("set SMTP listener non-blocking");
        let port = listener.local_addr().expect("SMTP listener address").port();
        let shared = Arc::new(Shared {
            stopping: AtomicBool::new(false),
            behaviour: Mutex::new(Behaviour::Accept),
            unknown: Mutex::new(HashSet::new()),
            throttled: Mutex::new(HashSet::new()),
            messages: Mutex::new(Vec::new()),
            arrived: Condvar::new(),
            connections: Mutex::new(HashMap::new()),
            handles: Mutex::new(Vec::new()),
            connection_count: AtomicUsize::new(0),
            transaction_count: AtomicUsize::new(0),
            delay: Mutex::new(Duration::ZERO),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name(format!("smtp-accept-{port}"))
                .spawn(move || accept_loop(listener, &shared))
                .expect("spawn SMTP accept thread")
        };
        SmtpServer {
            port,
            shared,
            acceptor: Some(acceptor),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Changes how later commands are answered, also on open connections.
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        *lock(&self.shared.behaviour) = behaviour;
    }

    /// Answers `550 5.1.1` to this recipient from now on, as a server
    /// does for a mailbox that does not exist.
    pub fn refuse(&self, recipient: &str) {
        lock(&self.shared.unknown).insert(recipient.to_owned());
    }

    /// Answers `451 4.7.1` to every recipient at `domain` until
    /// [`SmtpServer::unthrottle`].
    pub fn throttle(&self, domain: &str) {
        lock(&self.shared.throttled).insert(domain.to_owned());
    }

    pub fn unthrottle(&self, domain: &str) {
        lock(&self.shared.throttled).remove(domain);
    }

    /// The messages accepted so far.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        lock(&self.shared.messages).clone()
    }

    /// Forgets the messages accepted so far.
    pub fn clear_messages(&self) {
        lock(&self.shared.messages).clear();
    }

    /// Makes the server wait this long before it answers each message, as
    /// a slow relay does.
    pub fn set_delay(&self, delay: Duration) {
        *lock(&self.shared.delay) = delay;
    }

    /// How many messages the client tried to hand over, accepted or not.
    pub fn transaction_count(&self) -> usize {
        self.shared.transaction_count.load(Ordering::SeqCst)
    }

    /// How many client connections have been accepted so far.
    pub fn connection_count(&self) -> usize {
        self.shared.connection_count.load(Ordering::SeqCst)
    }

    /// Closes every open connection without a word, as a server does with
    /// clients idle too long, and goes on accepting new ones.
    pub fn close_connections(&self) {
        for stream in lock(&self.shared.connections).values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Blocks until at least `n` messages were accepted or `timeout` passed,
    /// and returns all accepted messages.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        wait_for(&self.shared, n, timeout)
    }

    /// Waits until no message has arrived for `quiet`: for a sender in
    /// another process to finish what it was sending.
    pub fn wait_for_quiet(&self, quiet: Duration) {
        let mut messages = lock(&self.shared.messages);
        loop {
            let seen = messages.len();
            let timed_out;
            (messages, timed_out) = match self.shared.arrived.wait_timeout(messages, quiet) {
                Ok((guard, wait)) => (guard, wait.timed_out()),
                Err(poisoned) => {
                    let (guard, wait) = poisoned.into_inner();
                    (guard, wait.timed_out())
                }
            };
            if timed_out && messages.len() == seen {
                return;
            }
        }
    }

    /// Like `wait_for`, but waits on a blocking thread of tokio's so that an
    /// async test does not block its runtime (which may be running the
    /// server under test).
    pub async fn wait_for_async(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || wait_for(&shared, n, timeout))
            .await
            .expect("the wait for mail ends")
    }

    /// Closes the listener and all open connections, and waits for the
    /// server threads to finish. Connecting to the port fails afterwards.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // After the join no new connections can appear.
        let _ = acceptor.join();
        for stream in lock(&self.shared.connections).values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let handles = std::mem::take(&mut *lock(&self.shared.handles));
        for handle in handles {
            let _ = handle.join();
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn bind(port: u16) -> TcpListener {
    let deadline = Instant::now() + BIND_RETRY;
    loop {
        match TcpListener::bind(("127.0.0.1", port)) {
            Ok(listener) => return listener,
            Err(e) if e.kind() == ErrorKind::AddrInUse && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("cannot bind SMTP test server to 127.0.0.1:{port}: {e}"),
        }
    }
}

/// Locks a mutex, ignoring poisoning: a panicking test thread must not
/// take the server down with it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn accept_loop(listener: TcpListener, shared: &Arc<Shared>) {
    let mut next_id: u64 = 0;
    while !shared.stopping.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let id = next_id;
                next_id += 1;
                spawn_connection(id, stream, shared);
            }
            // WouldBlock means no pending connection; other errors (e.g. a
            // client that reset before accept) are not the server's problem.
            Err(_) => thread::sleep(POLL_INTERVAL),
        }
    }
}

/// Waits until the server holds at least `n` messages, or `timeout` has
/// passed; returns what it holds.
fn wait_for(shared: &Shared, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
    let deadline = Instant::now() + timeout;
    let mut messages = lock(&shared.messages);
    while messages.len() < n {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        messages = match shared.arrived.wait_timeout(messages, deadline - now) {
            Ok((guard, _)) => guard,
            Err(poisoned) => poisoned.into_inner().0,
        };
    }
    messages.clone()
}

fn spawn_connection(id: u64, stream: TcpStream, shared: &Arc<Shared>) {
    // Accepted sockets may inherit non-blocking mode from the listener.
    if stream.set_nonblocking(false).is_err()
        || stream.set_read_timeout(Some(READ_TIMEOUT)).is_err()
    {
        return;
    }
    let Ok(clone) = stream.try_clone() else {
        return;
    };
    shared.connection_count.fetch_add(1, Ordering::SeqCst);
    lock(&shared.connections).insert(id, clone);
    let thread_shared = Arc::clone(shared);
    let spawned = thread::Builder::new()
        .name(format!("smtp-conn-{id}"))
        .spawn(move || {
            // An I/O error just ends this connection.
            let _ = serve(stream, &thread_shared);
            lock(&thread_shared.connections).remove(&id);
        });
    match spawned {
        Ok(handle) => {
            let mut handles = lock(&shared.handles);
            handles.retain(|h| !h.is_finished());
            handles.push(handle);
        }
        Err(_) => {
            lock(&shared.connections).remove(&id);
        }
    }
}

fn reply(writer: &mut TcpStream, text: &str) -> io::Result<()> {
    writer.write_all(format!("{text}\r\n").as_bytes())?;
    writer.flush()
}

/// Runs one SMTP session; returns when the client quits or disconnects, or
/// the server stops.
fn serve(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    reply(&mut writer, "220 localhost ESMTP test")?;

    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();

    while let Some(raw) = read_line(&mut reader, shared)? {
        let line = String::from_utf8_lossy(&raw);
        let line = line.trim_end_matches(['\r', '\n']);
        let (verb, arg) = line.split_once(' ').unwrap_or((line, ""));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                mail_from = None;
                rcpt_to.clear();
                reply(&mut writer, "250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8")?;
            }
            "HELO" => {
                mail_from = None;
                rcpt_to.clear();
                reply(&mut writer, "250 localhost")?;
            }
            "MAIL" => {
                if mail_from.is_some() {
                    reply(&mut writer, "503 5.5.1 Nested MAIL command")?;
                } else if let Some(path) = parse_path(arg, "FROM:") {
                    mail_from = Some(path);
                    reply(&mut writer, "250 2.1.0 OK")?;
                } else {
                    reply(&mut writer, "501 5.5.4 Syntax: MAIL FROM:<address>")?;
                }
            }
            "RCPT" => {
                if mail_from.is_none() {
                    reply(&mut writer, "503 5.5.1 Need MAIL before RCPT")?;
                } else if let Some(path) = parse_path(arg, "TO:") {
                    if *lock(&shared.behaviour) == Behaviour::PermFail
                        || lock(&shared.unknown).contains(&path)
                    {
                        reply(&mut writer, "550 5.1.1 Mailbox unavailable")?;
                    } else if path
                        .rsplit_once('@')
                        .is_some_and(|(_, domain)| lock(&shared.throttled).contains(domain))
                    {
                        reply(&mut writer, "451 4.7.1 Try again later")?;
                    } else {
                        rcpt_to.push(path);
                        reply(&mut writer, "250 2.1.5 OK")?;
                    }
                } else {
                    reply(&mut writer, "501 5.5.4 Syntax: RCPT TO:<address>")?;
                }
            }
            "DATA" => {
                if rcpt_to.is_empty() {
                    reply(&mut writer, "503 5.5.1 Need RCPT before DATA")?;
                    continue;
                }
                // The transaction ends here whatever the outcome.
                let from = mail_from.take().unwrap_or_default();
                let rcpt = std::mem::take(&mut rcpt_to);
                reply(&mut writer, "354 End data with <CR><LF>.<CR><LF>")?;
                let Some(data) = read_data(&mut reader, shared)? else {
                    return Ok(());
                };
                shared.transaction_count.fetch_add(1, Ordering::SeqCst);
                let delay = *lock(&shared.delay);
                if !delay.is_zero() {
                    thread::sleep(delay);
                }
                let behaviour = *lock(&shared.behaviour);
                match behaviour {
                    Behaviour::Accept => {
                        lock(&shared.messages).push(ReceivedMail {
                            mail_from: from,
                            rcpt_to: rcpt,
                            data: String::from_utf8_lossy(&data).into_owned(),
                        });
                        shared.arrived.notify_all();
                        reply(&mut writer, "250 2.0.0 OK queued")?;
                    }
                    Behaviour::TempFail => {
                        reply(&mut writer, "451 4.3.0 Temporary failure, try again later")?;
                    }
                    Behaviour::Unavailable => {
                        reply(&mut writer, "421 4.3.2 Service not available, closing")?;
                        return Ok(());
                    }
                    // Only reachable if the behaviour changed after RCPT.
                    Behaviour::PermFail => {
                        reply(&mut writer, "554 5.0.0 Transaction failed")?;
                    }
                }
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                reply(&mut writer, "250 2.0.0 OK")?;
            }
            "NOOP" => reply(&mut writer, "250 2.0.0 OK")?,
            "QUIT" => {
                reply(&mut writer, "221 2.0.0 Bye")?;
                return Ok(());
            }
            _ => reply(&mut writer, "502 5.5.2 Command not implemented")?,
        }
    }
    Ok(())
}

/// Reads one line including its line ending; `None` on end of stream, on
/// stop, or after a long idle time. Lines may arrive in several pieces.
fn read_line(reader: &mut BufReader<TcpStream>, shared: &Shared) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let started = Instant::now();
    loop {
        // On a timeout `read_until` keeps the bytes read so far in `line`,
        // so the next call continues the same line.
        match reader.read_until(b'\n', &mut line) {
            Ok(_) if line.ends_with(b"\n") => return Ok(Some(line)),
            // End of stream, possibly after an incomplete line.
            Ok(_) => return Ok(None),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) =>
            {
                if shared.stopping.load(Ordering::SeqCst) || started.elapsed() > IDLE_LIMIT {
                    return Ok(None);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// Reads the message after DATA up to the "." line, undoing dot-stuffing.
fn read_data(reader: &mut BufReader<TcpStream>, shared: &Shared) -> io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    while let Some(line) = read_line(reader, shared)? {
        if line == b".\r\n" || line == b".\n" {
            return Ok(Some(data));
        }
        data.extend_from_slice(line.strip_prefix(b".").unwrap_or(&line));
    }
    Ok(None)
}

/// Extracts the address of `FROM:<a@b> PARAMS` / `TO:<a@b>`.
fn parse_path(arg: &str, keyword: &str) -> Option<String> {
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        Some(inner[..end].to_string())
    } else {
        let path = rest.split_whitespace().next()?;
        Some(path.to_string())
    }
}

// ---- message parsing ----

/// Splits a message or MIME part into its unfolded headers and its body.
fn split_entity(entity: &str) -> (Vec<(String, String)>, &str) {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut offset = 0;
    for line in entity.split_inclusive('\n') {
        offset += line.len();
        let content = line.trim_end_matches(['\r', '\n']);
        if content.is_empty() {
            return (headers, &entity[offset..]);
        }
        if content.starts_with([' ', '\t']) {
            // Unfolding: the line break goes, the whitespace stays.
            if let Some((_, value)) = headers.last_mut() {
                value.push_str(content);
            }
        } else if let Some((name, value)) = content.split_once(':') {
            headers.push((name.trim().to_string(), value.to_string()));
        }
    }
    (headers, "")
}

fn header_values(headers: &[(String, String)], name: &str) -> Vec<String> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

fn first_header(headers: &[(String, String)], name: &str) -> Option<String> {
    header_values(headers, name).into_iter().next()
}

/// Parses `type/subtype; key=value; key="quoted value"` into the lowercased
/// type and its parameters (lowercased keys).
fn parse_content_type(value: &str) -> (String, Vec<(String, String)>) {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ';' && !quoted {
            fields.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    fields.push(current);
    let mime = fields[0].trim().to_ascii_lowercase();
    let params = fields[1..]
        .iter()
        .filter_map(|field| field.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (mime, params)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Finds the first non-attachment part of type `wanted` and decodes it.
fn find_part(entity: &str, wanted: &str, depth: usize) -> Option<String> {
    // Guards against absurdly nested input.
    if depth > 16 {
        return None;
    }
    let (headers, body) = split_entity(entity);
    let (mime, params) = first_header(&headers, "Content-Type")
        .map(|v| parse_content_type(&v))
        .unwrap_or_else(|| ("text/plain".to_string(), Vec::new()));
    if mime.starts_with("multipart/") {
        let boundary = param(&params, "boundary")?;
        return split_multipart(body, boundary)
            .into_iter()
            .find_map(|part| find_part(part, wanted, depth + 1));
    }
    if mime != wanted {
        return None;
    }
    let disposition = first_header(&headers, "Content-Disposition").unwrap_or_default();
    if disposition.to_ascii_lowercase().starts_with("attachment") {
        return None;
    }
    let encoding = first_header(&headers, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => decode_base64(body)?,
        // 7bit, 8bit, binary or none
        _ => body.as_bytes().to_vec(),
    };
    Some(decode_charset(
        bytes,
        param(&params, "charset").unwrap_or("utf-8"),
    ))
}

/// The parts of a multipart body, without the line break that belongs to
/// each following delimiter line.
fn split_multipart<'a>(body: &'a str, boundary: &str) -> Vec<&'a str> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        // Trailing whitespace after a delimiter is transport padding.
        let Some(rest) = line.trim_end().strip_prefix(&delimiter) else {
            continue;
        };
        if !rest.is_empty() && rest != "--" {
            continue;
        }
        if let Some(s) = start {
            let part = &body[s..line_start];
            let part = part.strip_suffix('\n').unwrap_or(part);
            parts.push(part.strip_suffix('\r').unwrap_or(part));
        }
        if rest == "--" {
            return parts;
        }
        start = Some(offset);
    }
    // No closing delimiter: keep what there is.
    if let Some(s) = start {
        parts.push(&body[s..]);
    }
    parts
}

fn decode_charset(bytes: Vec<u8>, charset: &str) -> String {
    let charset = charset.to_ascii_lowercase();
    if matches!(charset.as_str(), "iso-8859-1" | "latin1" | "latin-1") {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `=XX` escapes; `underscore_is_space` for RFC 2047 "Q" words.
fn decode_qp_text(text: &str, underscore_is_space: bool, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'='
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex_value),
                bytes.get(i + 2).copied().and_then(hex_value),
            )
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(if underscore_is_space && b == b'_' {
            b' '
        } else {
            b
        });
        i += 1;
    }
}

fn decode_quoted_printable(body: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut lines = body.split('\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Trailing whitespace is not part of the content (RFC 2045 6.7).
        let line = line.trim_end_matches([' ', '\t']);
        let (line, soft_break) = match line.strip_suffix('=') {
            Some(line) => (line, true),
            None => (line, false),
        };
        decode_qp_text(line, false, &mut out);
        if !soft_break && lines.peek().is_some() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// Standard base64, ignoring line breaks; `None` on invalid characters.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Decodes RFC 2047 encoded words; whitespace between two adjacent encoded
/// words is dropped, as the RFC requires.
fn decode_encoded_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(i) = rest.find("=?") {
        let (before, candidate) = rest.split_at(i);
        match decode_encoded_word(candidate) {
            Some((decoded, len)) => {
                if !(after_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&decoded);
                rest = &candidate[len..];
                after_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &candidate[2..];
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes one `=?charset?B|Q?text?=` at the start of `s`, returning the
/// text and the length consumed.
fn decode_encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (charset, after) = inner.split_once('?')?;
    let (encoding, after) = after.split_once('?')?;
    let end = after.find("?=")?;
    let text = &after[..end];
    if text.contains([' ', '\t']) || charset.contains([' ', '\t']) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => decode_base64(text)?,
        "Q" | "q" => {
            let mut out = Vec::new();
            decode_qp_text(text, true, &mut out);
            out
        }
        _ => return None,
    };
    let len = "=?".len() + charset.len() + 1 + encoding.len() + 1 + end + "?=".len();
    // RFC 2231 allows a language after the charset: utf-8*en
    let charset = charset.split('*').next().unwrap_or(charset);
    Some((decode_charset(bytes, charset), len))
}
