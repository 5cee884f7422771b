//! PNG: parsed with img-parts (which verifies every chunk's CRC), then only the chunks
//! needed to draw the picture are written back.
//!
//! An allow-list rather than a list of known metadata chunks, because PNG lets any program
//! add private chunks and those can carry anything. Dropped that way: eXIf, tEXt, zTXt,
//! iTXt and tIME (the metadata), and everything unknown, including animation (an APNG
//! becomes its still default image, which is what a card photo is).

use super::{from_img_parts, unreadable, ImageError};
use img_parts::{png::Png, Bytes};

pub(super) const SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

const IHDR: [u8; 4] = *b"IHDR";
const IDAT: [u8; 4] = *b"IDAT";
const IEND: [u8; 4] = *b"IEND";

/// The image itself, its palette and transparency, and how to show its colours.
const KEPT: [[u8; 4]; 15] = [
    IHDR, *b"PLTE", IDAT, IEND, *b"tRNS", *b"gAMA", *b"cHRM", *b"sRGB", *b"iCCP", *b"sBIT", *b"cICP", *b"mDCV",
    *b"cLLI", *b"bKGD", *b"pHYs",
];

pub(super) fn clean(input: &[u8]) -> Result<Vec<u8>, ImageError> {
    // img-parts stops at IEND (ignoring anything after it, as other readers do) or at the
    // end of the input; only the first means the upload is whole.
    let mut png = Png::from_bytes(Bytes::copy_from_slice(input)).map_err(from_img_parts)?;
    let chunks = png.chunks();
    if chunks.last().map(|c| c.kind()) != Some(IEND) {
        return Err(ImageError::Truncated);
    }
    if chunks.first().map(|c| c.kind()) != Some(IHDR) {
        return Err(unreadable("PNG does not start with IHDR"));
    }
    if !chunks.iter().any(|c| c.kind() == IDAT) {
        return Err(unreadable("PNG without image data"));
    }
    png.chunks_mut().retain(|c| KEPT.contains(&c.kind()));
    Ok(Vec::from(png.encoder().bytes()))
}
