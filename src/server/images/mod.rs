//! Insurance-card photos: decides from the bytes alone whether an upload is a whole JPEG,
//! PNG, WebP or HEIC picture, and hands it back without the metadata a phone adds (GPS
//! position, time, camera and serial number, editing software, comments).
//!
//! The file name and the type the browser sends are never looked at: both are chosen by
//! the client, and a renamed file must not get through (security.md: "uploads checked by
//! content"). Pixels are never decoded or re-encoded, so a photo keeps its quality and no
//! image codec runs on outside input; instead each format keeps only what drawing the
//! picture needs:
//!
//! - JPEG ([`jpeg`]): an allow-list of segments, everything after the first image dropped,
//!   Exif reduced to the orientation (so the card is not shown sideways).
//! - PNG ([`png`]): an allow-list of chunks, every checksum verified.
//! - WebP ([`webp`]): an allow-list of RIFF chunks, the VP8X metadata flags cleared.
//! - HEIC ([`heic`]): the Exif and XMP items overwritten with zeros in place, because
//!   moving bytes would invalidate every offset in the file.
//!
//! Colour profiles (ICC) are kept everywhere: they describe colours, not people, and
//! dropping them makes a card photographed on a wide-gamut phone look washed out.
//!
//! Each format's module checks that the file is complete, so an upload cut off by a bad
//! connection is refused with a message that says so instead of being stored broken.

mod heic;
mod jpeg;
mod png;
mod webp;

#[cfg(test)]
mod tests;

/// The largest photo accepted (the requirement's "at most 10 MB each").
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The formats patients may upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    /// HEIC or another HEVC-family HEIF image (what iPhones take by default).
    Heic,
}

impl ImageKind {
    /// The media type to store and serve the cleaned bytes with.
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
            ImageKind::Heic => "image/heic",
        }
    }
}

/// A photo that passed [`clean`]: a whole image of a known kind without metadata.
///
/// Only [`clean`] builds one, so holding a `CleanImage` is proof that the bytes were
/// checked and stripped; storage code can take this type and need not trust callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanImage {
    kind: ImageKind,
    bytes: Vec<u8>,
}

impl CleanImage {
    pub fn kind(&self) -> ImageKind {
        self.kind
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Why an upload was refused. The `Display` text is shown to the patient as it is;
/// [`ImageError::message_es`] gives the same text in Spanish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("This file is empty. Please choose your photo again.")]
    Empty,
    #[error("This file is larger than 10 MB. Please take a smaller photo or lower the camera resolution.")]
    TooLarge { bytes: usize },
    #[error("This file is not a photo we can read. Please upload a JPEG, PNG, HEIC or WebP picture.")]
    NotAnImage,
    #[error("This photo looks incomplete (the upload may have been cut off). Please try again.")]
    Truncated,
    /// A known format, but damaged or built in a way we cannot follow far enough to be sure
    /// the metadata is gone. `reason` is for the log (no patient data in it), never shown.
    #[error(
        "We could not read this photo; the file may be damaged. Please take the photo again or choose another one."
    )]
    Unreadable { reason: &'static str },
}

impl ImageError {
    /// The patient-facing message in Spanish (`usted`, like the rest of the patient side).
    pub fn message_es(&self) -> &'static str {
        match self {
            ImageError::Empty => "Este archivo está vacío. Por favor, elija su foto de nuevo.",
            ImageError::TooLarge { .. } => {
                "Este archivo pesa más de 10 MB. Por favor, tome una foto más pequeña o baje la resolución de la cámara."
            }
            ImageError::NotAnImage => {
                "Este archivo no es una foto que podamos leer. Por favor, suba una imagen JPEG, PNG, HEIC o WebP."
            }
            ImageError::Truncated => {
                "Esta foto parece incompleta (es posible que la carga se haya interrumpido). Por favor, inténtelo de nuevo."
            }
            ImageError::Unreadable { .. } => {
                "No pudimos leer esta foto; es posible que el archivo esté dañado. Por favor, tome la foto de nuevo o elija otra."
            }
        }
    }
}

/// Checks the content (never a file name or a client-sent type), refuses anything that is
/// not a whole JPEG, PNG, WebP or HEIC/HEIF image, and returns it with metadata removed.
///
/// Never panics, and the work is linear in the size of the input (at most [`MAX_BYTES`]).
pub fn clean(bytes: &[u8]) -> Result<CleanImage, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    // Before looking inside: a huge upload is refused for its size whatever it holds.
    if bytes.len() > MAX_BYTES {
        return Err(ImageError::TooLarge { bytes: bytes.len() });
    }
    let kind = sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let bytes = match kind {
        ImageKind::Jpeg => jpeg::clean(bytes)?,
        ImageKind::Png => png::clean(bytes)?,
        ImageKind::Webp => webp::clean(bytes)?,
        ImageKind::Heic => heic::clean(bytes)?,
    };
    Ok(CleanImage { kind, bytes })
}

/// The format the first bytes announce, if it is one we accept.
fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(png::SIGNATURE) {
        Some(ImageKind::Png)
    } else if bytes.get(..4) == Some(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(ImageKind::Webp)
    } else if heic::is_heic(bytes) {
        Some(ImageKind::Heic)
    } else {
        None
    }
}

fn unreadable(reason: &'static str) -> ImageError {
    ImageError::Unreadable { reason }
}

/// The big-endian `u16` at `at`, if the input is long enough.
fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let end = at.checked_add(2)?;
    Some(u16::from_be_bytes(bytes.get(at..end)?.try_into().ok()?))
}

/// The big-endian `u32` at `at`, if the input is long enough.
fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let end = at.checked_add(4)?;
    Some(u32::from_be_bytes(bytes.get(at..end)?.try_into().ok()?))
}

/// The big-endian `u64` at `at`, if the input is long enough.
fn be_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let end = at.checked_add(8)?;
    Some(u64::from_be_bytes(bytes.get(at..end)?.try_into().ok()?))
}

/// Maps img-parts' parse errors (PNG and WebP) to ours.
fn from_img_parts(error: img_parts::Error) -> ImageError {
    match error {
        img_parts::Error::Truncated => ImageError::Truncated,
        img_parts::Error::WrongSignature => ImageError::NotAnImage,
        img_parts::Error::BadCRC => unreadable("chunk checksum does not match"),
    }
}
