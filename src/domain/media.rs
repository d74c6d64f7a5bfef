//! The images operators upload for broadcasts (contract §17): which kinds
//! are taken, known by their first bytes, never by a name or a declared
//! type.

/// The most an image may weigh.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// An image kind assent stores and serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    WebP,
}

impl ImageKind {
    /// The kind these bytes begin as, if one of ours.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        match bytes {
            [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some(ImageKind::Png),
            [0xff, 0xd8, 0xff, ..] => Some(ImageKind::Jpeg),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(ImageKind::Gif),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Some(ImageKind::WebP),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::WebP => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::WebP => "webp",
        }
    }
}

/// Why an upload is not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaRefusal {
    /// Not a PNG, JPEG, GIF or WebP image.
    NotAnImage,
    /// Over [`MAX_BYTES`].
    TooLarge,
}

/// An upload that is an image of ours within the size: the only way to one.
#[derive(Debug, Clone)]
pub struct Image {
    pub kind: ImageKind,
    pub bytes: Vec<u8>,
}

impl Image {
    pub fn parse(bytes: Vec<u8>) -> Result<Image, MediaRefusal> {
        if bytes.len() > MAX_BYTES {
            return Err(MediaRefusal::TooLarge);
        }
        let kind = ImageKind::sniff(&bytes).ok_or(MediaRefusal::NotAnImage)?;
        Ok(Image { kind, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_is_known_by_its_first_bytes_and_nothing_else_is_one() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert_eq!(Image::parse(png).map(|i| i.kind), Ok(ImageKind::Png));
        let jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 0x10];
        assert_eq!(Image::parse(jpeg).map(|i| i.kind), Ok(ImageKind::Jpeg));
        assert_eq!(
            Image::parse(b"GIF89a\x01\0".to_vec()).map(|i| i.kind),
            Ok(ImageKind::Gif)
        );
        assert_eq!(
            Image::parse(b"RIFF\x24\0\0\0WEBPVP8 ".to_vec()).map(|i| i.kind),
            Ok(ImageKind::WebP)
        );
        for other in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'/>"[..],
            b"<html><script>alert(1)</script>",
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"",
        ] {
            assert_eq!(
                Image::parse(other.to_vec()).map(|i| i.kind),
                Err(MediaRefusal::NotAnImage)
            );
        }
        let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
        huge.resize(MAX_BYTES + 1, 0);
        assert_eq!(
            Image::parse(huge).map(|i| i.kind),
            Err(MediaRefusal::TooLarge)
        );
    }
}
