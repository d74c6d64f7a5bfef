//! A small DNS server on loopback (UDP), answering TXT and MX questions
//! from a table, for the DNS self-check: what a zone holds is what the
//! test says.

use std::collections::HashMap;
use std::net::UdpSocket;
use std::sync::{Arc, Mutex};
use std::thread;

/// A record the server holds.
#[derive(Clone, Debug)]
pub enum Record {
    Txt(String),
    Mx(String),
}

const TXT: u16 = 16;
const MX: u16 = 15;

pub struct DnsServer {
    port: u16,
    zone: Arc<Mutex<HashMap<String, Vec<Record>>>>,
}

impl DnsServer {
    pub fn start() -> DnsServer {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("a UDP port");
        let port = socket.local_addr().expect("its address").port();
        let zone: Arc<Mutex<HashMap<String, Vec<Record>>>> = Arc::default();
        let shared = Arc::clone(&zone);
        thread::spawn(move || {
            let mut buffer = [0u8; 1500];
            while let Ok((n, from)) = socket.recv_from(&mut buffer) {
                if let Some(answer) = answer(&buffer[..n], &shared.lock().unwrap()) {
                    let _ = socket.send_to(&answer, from);
                }
            }
        });
        DnsServer { port, zone }
    }

    /// `127.0.0.1:PORT`, as `ASSENT_DNS_SERVER` takes it.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn add(&self, name: &str, record: Record) {
        self.zone
            .lock()
            .unwrap()
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(record);
    }
}

/// The question's name, type and where the question ends.
fn question(query: &[u8]) -> Option<(String, u16, usize)> {
    let mut at = 12;
    let mut labels = Vec::new();
    loop {
        let len = *query.get(at)? as usize;
        at += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(at..at + len)?).to_ascii_lowercase());
        at += len;
    }
    let kind = u16::from_be_bytes([*query.get(at)?, *query.get(at + 1)?]);
    Some((labels.join("."), kind, at + 4))
}

fn encode_name(name: &str, out: &mut Vec<u8>) {
    for label in name.trim_end_matches('.').split('.') {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
}

fn answer(query: &[u8], zone: &HashMap<String, Vec<Record>>) -> Option<Vec<u8>> {
    let (name, kind, end) = question(query)?;
    let records: Vec<&Record> = zone
        .get(&name)
        .map(|all| {
            all.iter()
                .filter(|r| match r {
                    Record::Txt(_) => kind == TXT,
                    Record::Mx(_) => kind == MX,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(&query[..2]);
    // A response, recursion desired and available; NXDOMAIN for a name
    // the zone does not hold.
    let rcode = if zone.contains_key(&name) { 0 } else { 3 };
    out.extend_from_slice(&[0x81, 0x80 | rcode]);
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&(records.len() as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&query[12..end]);
    for record in records {
        out.extend_from_slice(&[0xc0, 0x0c]);
        let mut data = Vec::new();
        let kind = match record {
            Record::Txt(text) => {
                for chunk in text.as_bytes().chunks(255) {
                    data.push(chunk.len() as u8);
                    data.extend_from_slice(chunk);
                }
                TXT
            }
            Record::Mx(host) => {
                data.extend_from_slice(&10u16.to_be_bytes());
                encode_name(host, &mut data);
                MX
            }
        };
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&60u32.to_be_bytes());
        out.extend_from_slice(&(data.len() as u16).to_be_bytes());
        out.extend_from_slice(&data);
    }
    Some(out)
}
