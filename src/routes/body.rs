//! Reading request bodies within the 16 KiB that any public POST may send.

use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::{self, Bytes, BytesMut};
use futures_util::StreamExt;

/// The most any public form or API body may weigh.
pub const MAX_BODY: usize = 16 * 1024;
/// The most a form of the operators' area may weigh: a broadcast's body
/// is written there.
pub const MAX_ADMIN_BODY: usize = 1024 * 1024;
/// A body must have arrived whole by then: 16 KiB take no longer on any
/// link, and a client that sends a byte at a time holds no worker for long.
pub const BODY_DEADLINE: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the request body is larger than allowed")]
    TooLarge,
    #[error("unsupported content type")]
    UnsupportedType,
    #[error("the form data could not be read")]
    Malformed,
    #[error("the request body did not arrive in time")]
    TimedOut,
}

/// Reads the whole body, refusing it as soon as it passes [`MAX_BODY`] or
/// once [`BODY_DEADLINE`] has passed.
pub async fn read_limited(req: &HttpRequest, payload: web::Payload) -> Result<Bytes, BodyError> {
    read_up_to(req, payload, MAX_BODY).await
}

/// Like [`read_limited`], for a route that takes bodies up to `limit`.
pub async fn read_up_to(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Bytes, BodyError> {
    tokio::time::timeout(BODY_DEADLINE, read_within_limit(req, payload, limit))
        .await
        .map_err(|_| BodyError::TimedOut)?
}

async fn read_within_limit(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge);
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| BodyError::Malformed)?;
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The fields of an urlencoded or multipart form, in order. A body without a
/// content type counts as urlencoded (an empty RFC 8058 POST has none).
pub async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Vec<(String, String)>, BodyError> {
    read_form_up_to(req, payload, MAX_BODY).await
}

/// Like [`read_form`], for a form that may weigh up to `limit`.
pub async fn read_form_up_to(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Vec<(String, String)>, BodyError> {
    let mime = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    match mime.as_deref() {
        None | Some("application/x-www-form-urlencoded") => {
            decode_urlencoded(&read_up_to(req, payload, limit).await?)
        }
        Some("multipart/form-data") => {
            let body = read_up_to(req, payload, limit).await?;
            read_multipart(req, body).await
        }
        Some(_) => Err(BodyError::UnsupportedType),
    }
}

/// The fields of an urlencoded body, in order.
pub fn decode_urlencoded(body: &[u8]) -> Result<Vec<(String, String)>, BodyError> {
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| BodyError::Malformed)?;
    refuse_nul(fields)
}

/// No field of a form a person fills holds a NUL, and PostgreSQL refuses
/// one in text: such a form is unreadable, rather than a fault of ours.
fn refuse_nul(fields: Vec<(String, String)>) -> Result<Vec<(String, String)>, BodyError> {
    if fields
        .iter()
        .any(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        return Err(BodyError::Malformed);
    }
    Ok(fields)
}

async fn read_multipart(
    req: &HttpRequest,
    body: Bytes,
) -> Result<Vec<(String, String)>, BodyError> {
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut multipart = actix_multipart::Multipart::new(req.headers(), stream);
    let mut fields = Vec::new();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| BodyError::Malformed)?;
        let name = field.name().unwrap_or_default().to_owned();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            value.extend_from_slice(&chunk.map_err(|_| BodyError::Malformed)?);
        }
        let value = String::from_utf8(value).map_err(|_| BodyError::Malformed)?;
        fields.push((name, value));
    }
    refuse_nul(fields)
}

/// The first value of a field, if present.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

// Multipart uploads, read field by field as they arrive.

/// An upload that sends nothing for this long is given up, so that a
/// stalled or deliberately slow client does not hold an upload slot.
pub const STALL: Duration = Duration::from_secs(30);

/// The next item of a stream, or `None` once it has stalled for [`STALL`].
pub async fn next_within<S: futures_util::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    tokio::time::timeout(STALL, stream.next())
        .await
        .ok()
        .flatten()
}

/// A short text field of the form, read whole; `None` past `limit` bytes.
pub async fn small_field(field: &mut actix_multipart::Field, limit: usize) -> Option<String> {
    String::from_utf8(file_field(field, limit).await?).ok()
}

/// A file field of the form, read whole; `None` past `limit` bytes, or
/// when it stalls.
pub async fn file_field(field: &mut actix_multipart::Field, limit: usize) -> Option<Vec<u8>> {
    let mut value = Vec::new();
    while let Some(chunk) = next_within(field).await {
        value.extend_from_slice(&chunk.ok()?);
        if value.len() > limit {
            return None;
        }
    }
    Some(value)
}
