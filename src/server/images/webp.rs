//! WebP: the RIFF container is parsed with img-parts, only the chunks needed to draw the
//! picture are written back, and the VP8X header stops announcing Exif and XMP.
//!
//! Kept: VP8 / VP8L (the image), VP8X (canvas and feature flags), ALPH (transparency),
//! ANIM / ANMF (animation, whose frames hold only image data) and ICCP (colours). Dropped:
//! EXIF, "XMP " and any chunk WebP does not define, since readers ignore unknown chunks
//! and so they could carry anything.

use super::{from_img_parts, unreadable, ImageError};
use img_parts::{
    riff::{RiffChunk, RiffContent},
    webp::WebP,
    Bytes,
};

const VP8: [u8; 4] = *b"VP8 ";
const VP8L: [u8; 4] = *b"VP8L";
const VP8X: [u8; 4] = *b"VP8X";
const ANMF: [u8; 4] = *b"ANMF";

const KEPT: [[u8; 4]; 7] = [VP8, VP8L, VP8X, *b"ALPH", *b"ANIM", ANMF, *b"ICCP"];

/// The VP8X flag bits saying an EXIF or an XMP chunk follows.
const EXIF_AND_XMP_FLAGS: u8 = 0b0000_1100;
/// Flags, three reserved bytes, canvas width and height (three bytes each).
const VP8X_LEN: usize = 10;

pub(super) fn clean(input: &[u8]) -> Result<Vec<u8>, ImageError> {
    // The RIFF size counts everything after its own field, so a file shorter than it says
    // was cut off. One byte short is accepted: some writers count the final chunk's padding
    // byte without writing it. Bytes after the RIFF are ignored, as by other readers.
    let declared = input.get(4..8).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
    let riff_end = declared
        .and_then(|size| usize::try_from(size).ok())
        .and_then(|size| size.checked_add(8))
        .ok_or(ImageError::Truncated)?;
    if riff_end < 12 {
        return Err(unreadable("RIFF size too small for a WebP"));
    }
    let riff = match input.get(..riff_end) {
        Some(riff) => Bytes::copy_from_slice(riff),
        None if riff_end == input.len() + 1 => {
            let mut padded = input.to_vec();
            padded.push(0);
            Bytes::from(padded)
        }
        None => return Err(ImageError::Truncated),
    };
    let mut webp = WebP::from_bytes(riff).map_err(from_img_parts)?;

    let chunks = webp.chunks();
    if !chunks.first().is_some_and(|c| [VP8, VP8L, VP8X].contains(&c.id())) {
        return Err(unreadable("WebP does not start with an image header"));
    }
    if !chunks.iter().any(|c| [VP8, VP8L, ANMF].contains(&c.id())) {
        return Err(unreadable("WebP without image data"));
    }

    webp.chunks_mut().retain(|c| KEPT.contains(&c.id()));
    for chunk in webp.chunks_mut().iter_mut().filter(|c| c.id() == VP8X) {
        clear_metadata_flags(chunk)?;
    }
    Ok(Vec::from(webp.encoder().bytes()))
}

/// Clears the Exif and XMP bits of a VP8X chunk, so the header matches the chunks left.
fn clear_metadata_flags(chunk: &mut RiffChunk) -> Result<(), ImageError> {
    let RiffContent::Data(data) = chunk.content_mut() else {
        return Err(unreadable("WebP VP8X is not a data chunk"));
    };
    if data.len() != VP8X_LEN {
        return Err(unreadable("WebP VP8X has the wrong size"));
    }
    let mut header = data.to_vec();
    if let Some(flags) = header.first_mut() {
        *flags &= !EXIF_AND_XMP_FLAGS;
    }
    *data = Bytes::from(header);
    Ok(())
}
