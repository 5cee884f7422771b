//! JPEG: walks every marker from the start of the image to its end (EOI) and copies only
//! the segments needed to draw the picture.
//!
//! Why our own walk and not img-parts' `Jpeg`: img-parts stops at the first scan (SOS) and
//! keeps the rest of the file as one opaque block. Metadata can sit in that block: APPn or
//! COM segments between the scans of a progressive JPEG, and anything a phone appends after
//! the end of the image (the extra pictures of a Multi-Picture file, each with its own
//! Exif; Samsung's trailer). Walking to the first EOI and stopping there removes all of it,
//! and not finding that EOI is exactly how an upload cut off part-way shows.
//!
//! Kept: frame and scan headers, Huffman, arithmetic-coding and quantisation tables, restart
//! intervals, the entropy-coded data, APP0 JFIF (its embedded thumbnail removed), APP2 ICC
//! colour profiles and APP14 Adobe (12 bytes of colour-transform flags; without it CMYK
//! JPEGs decode with wrong colours). Dropped: every other APPn (APP1 Exif/XMP, APP13
//! IPTC/Photoshop, maker notes, MPF), COM, and the JPEG-extension markers.
//!
//! One Exif value survives: the orientation. Phone cameras often store the pixels as the
//! sensor saw them and say "rotate 90°" in Exif; without it the card would show sideways
//! at the front desk. So an Exif segment is replaced by a new one holding only that tag
//! (none at all when the picture is already upright).

use super::{be_u16, unreadable, ImageError};
use std::borrow::Cow;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const TEM: u8 = 0x01;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;

/// The APP0 JFIF header up to and including the thumbnail size, without thumbnail pixels.
const JFIF_LEN: usize = 14;
/// "Adobe", version, two flag words and the transform byte.
const ADOBE_LEN: usize = 12;
/// What an APP1 segment holding Exif starts with.
const EXIF: &[u8] = b"Exif\0\0";

/// Returns the image from its SOI to its first EOI with only the allowed segments.
pub(super) fn clean(input: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut pos = 2;
    let mut frame_seen = false;
    let mut scan_seen = false;
    loop {
        let marker = next_marker(input, &mut pos)?;
        match marker {
            EOI if scan_seen => {
                out.extend_from_slice(&[0xFF, EOI]);
                return Ok(out);
            }
            EOI => return Err(unreadable("JPEG ends before any image data")),
            SOI => return Err(unreadable("JPEG start marker inside the image")),
            // Markers without a length or contents.
            TEM | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                continue;
            }
            0x00 | 0x02..=0xBF => return Err(unreadable("reserved JPEG marker")),
            _ => {}
        }

        let len = usize::from(be_u16(input, pos).ok_or(ImageError::Truncated)?);
        if len < 2 {
            return Err(unreadable("JPEG segment length below 2"));
        }
        let end = pos.checked_add(len).ok_or(ImageError::Truncated)?;
        let contents = input.get(pos + 2..end).ok_or(ImageError::Truncated)?;
        pos = end;
        if let Some(kept) = keep(marker, contents) {
            push_segment(&mut out, marker, &kept);
        }

        if is_frame_header(marker) {
            frame_seen = true;
        }
        if marker == SOS {
            if !frame_seen {
                return Err(unreadable("JPEG scan before its frame header"));
            }
            scan_seen = true;
            let data_end = entropy_end(input, pos)?;
            out.extend_from_slice(input.get(pos..data_end).ok_or(ImageError::Truncated)?);
            pos = data_end;
        }
    }
}

/// Reads the marker at `pos` (after any fill bytes) and moves past it.
fn next_marker(input: &[u8], pos: &mut usize) -> Result<u8, ImageError> {
    // Stray bytes before a marker are skipped, as libjpeg does; they are not copied.
    loop {
        let byte = *input.get(*pos).ok_or(ImageError::Truncated)?;
        *pos += 1;
        if byte == 0xFF {
            break;
        }
    }
    loop {
        let byte = *input.get(*pos).ok_or(ImageError::Truncated)?;
        *pos += 1;
        if byte != 0xFF {
            return Ok(byte);
        }
    }
}

/// The position of the first marker after the entropy-coded data starting at `from`.
///
/// Inside that data an `FF` byte is followed by `00` (a stuffed `FF`), a restart marker,
/// or another `FF` (fill); anything else ends the data.
fn entropy_end(input: &[u8], from: usize) -> Result<usize, ImageError> {
    let mut at = from;
    loop {
        let rest = input.get(at..).ok_or(ImageError::Truncated)?;
        at += rest.iter().position(|&b| b == 0xFF).ok_or(ImageError::Truncated)?;
        match input.get(at + 1) {
            None => return Err(ImageError::Truncated),
            Some(0x00 | 0xD0..=0xD7) => at += 2,
            Some(0xFF) => at += 1,
            Some(_) => return Ok(at),
        }
    }
}

/// What of a segment's contents to write back, if anything.
fn keep(marker: u8, contents: &[u8]) -> Option<Cow<'_, [u8]>> {
    match marker {
        // Frame headers, DHT, DAC, SOS, DQT, DNL, DRI, DHP, EXP.
        m if is_frame_header(m) => Some(Cow::Borrowed(contents)),
        0xC4 | 0xCC | 0xDA..=0xDF => Some(Cow::Borrowed(contents)),
        APP0 if contents.starts_with(b"JFIF\0") => {
            let mut header = contents.get(..JFIF_LEN)?.to_vec();
            // Thumbnail width and height: zero, as its pixels are left out.
            header.get_mut(JFIF_LEN - 2..)?.fill(0);
            Some(Cow::Owned(header))
        }
        APP1 => contents
            .strip_prefix(EXIF)
            .and_then(orientation)
            .filter(|&o| o != 1)
            .map(|o| Cow::Owned(orientation_only_exif(o))),
        APP2 if contents.starts_with(b"ICC_PROFILE\0") => Some(Cow::Borrowed(contents)),
        APP14 if contents.starts_with(b"Adobe") => contents.get(..ADOBE_LEN).map(Cow::Borrowed),
        _ => None,
    }
}

/// The Orientation tag (1 to 8) of an Exif block's first directory, if it has one.
fn orientation(tiff: &[u8]) -> Option<u16> {
    let big_endian = match tiff.get(..4)? {
        b"MM\0\x2a" => true,
        b"II\x2a\0" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let bytes: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big_endian { u16::from_be_bytes(bytes) } else { u16::from_le_bytes(bytes) })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let bytes: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big_endian { u32::from_be_bytes(bytes) } else { u32::from_le_bytes(bytes) })
    };
    let directory = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(directory)?;
    (0..usize::from(entries)).find_map(|i| {
        let entry = directory.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        // Tag 0x0112, of type SHORT (3), one value, stored in the entry itself.
        if u16_at(entry)? != 0x0112 || u16_at(entry + 2)? != 3 {
            return None;
        }
        u16_at(entry + 8).filter(|o| (1..=8).contains(o))
    })
}

/// An Exif block holding nothing but the orientation: one directory with one entry.
fn orientation_only_exif(orientation: u16) -> Vec<u8> {
    let mut exif = EXIF.to_vec();
    exif.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // big-endian, directory at 8
    exif.extend_from_slice(&[0x00, 0x01]); // one entry
    exif.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]);
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0x00, 0x00]); // padding of the 4-byte value field
    exif.extend_from_slice(&[0x00, 0x00, 0x00, 0x00]); // no further directory
    exif
}

/// SOF0–SOF15: every C0–CF marker except DHT (C4), JPG (C8) and DAC (CC).
fn is_frame_header(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

fn push_segment(out: &mut Vec<u8>, marker: u8, contents: &[u8]) {
    // Contents come from a segment at least as long, so the length fits in 16 bits.
    let len = u16::try_from(contents.len() + 2).unwrap_or(u16::MAX);
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(contents);
}
