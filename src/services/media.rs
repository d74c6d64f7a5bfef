//! Images for broadcasts (contract §17), stored in the database so that
//! every process sharing it serves the same files, and a backup of the
//! database holds them. Each is named by its content: its URL never
//! changes what it shows, so it may be cached for a year.

use diesel::Connection;
use sha2::{Digest, Sha256};

use super::{Operator, Outcome, ServiceError, Services};
use crate::db::audit;
use crate::db::media::{self, MediaItem, NewMedia};
use crate::domain::MediaId;
use crate::domain::media::{Image, MediaRefusal};

/// How many images the media page lists.
const LISTED: i64 = 500;

/// The name an image is served under: from its bytes.
fn name_of(image: &Image) -> String {
    let digest = hex::encode(Sha256::digest(&image.bytes));
    format!("{}.{}", &digest[..24], image.kind.extension())
}

/// A name to show for the file: the uploaded one, on one line, not too long.
fn shown_filename(filename: &str) -> String {
    let name: String = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if name.trim().is_empty() {
        "image".to_owned()
    } else {
        name
    }
}

/// Stores an uploaded image; returns the name it is served under.
pub async fn upload(
    services: &Services,
    operator: &Operator,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<Result<String, MediaRefusal>, ServiceError> {
    let image = match Image::parse(bytes) {
        Ok(image) => image,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let name = name_of(&image);
    let filename = shown_filename(filename);
    let clock = services.clock.clone();
    let email = operator.email.clone();
    let stored = name.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let now = clock.now().ms();
                let new = NewMedia {
                    name: &stored,
                    filename: &filename,
                    content_type: image.kind.content_type(),
                    bytes: &image.bytes,
                    created_by: &email,
                    now,
                };
                if media::insert(c, &new)? {
                    audit::record(c, &email, "upload_media", &stored, &filename, now)?;
                }
                Ok::<_, ServiceError>(())
            })
        })
        .await?;
    Ok(Ok(name))
}

/// The images, newest first.
pub async fn all(services: &Services) -> Result<Vec<MediaItem>, ServiceError> {
    services
        .db
        .read(|c| Ok::<_, ServiceError>(media::all(c, LISTED)?))
        .await
}

/// An image's content type and bytes, by its name.
pub async fn file(
    services: &Services,
    name: String,
) -> Result<Option<(String, Vec<u8>)>, ServiceError> {
    services
        .db
        .read(move |c| Ok::<_, ServiceError>(media::file(c, &name)?))
        .await
}

/// Deletes an image: messages and archive pages that show it lose it.
pub async fn delete(
    services: &Services,
    operator: &Operator,
    id: MediaId,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(name) = media::delete(c, id)? else {
                    return Ok(Outcome::NotFound);
                };
                audit::record(c, &email, "delete_media", &name, "", clock.now().ms())?;
                Ok(Outcome::Done)
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_keeps_its_last_name_on_one_line() {
        assert_eq!(shown_filename("C:\\photos\\cat.png"), "cat.png");
        assert_eq!(shown_filename("a/b/c\nd.gif"), "cd.gif");
        assert_eq!(shown_filename(""), "image");
    }
}
