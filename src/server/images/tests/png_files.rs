//! PNG uploads: recognised by content, metadata removed, the picture kept; broken files refused.

use super::*;

pub(super) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

pub(super) fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend(crc32(&[kind.as_slice(), data].concat()).to_be_bytes());
    c
}

/// A 1×1 grey pixel: filter byte 0 and value 0, stored (uncompressed) in a zlib stream.
pub(super) const IDAT: &[u8] = &[0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01];
pub(super) const PNG_SECRETS: [&[u8]; 5] =
    [b"TEXT-SECRET", b"EXIF-SECRET", b"ITXT-SECRET", b"PRIVATE-SECRET", b"\x07\xE9\x0B\x17"];

pub(super) fn png_chunks() -> Vec<Vec<u8>> {
    vec![
        chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]),
        chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]),
        chunk(b"tEXt", b"Comment\0TEXT-SECRET"),
        chunk(b"eXIf", b"MM\0\x2aEXIF-SECRET"),
        chunk(b"iTXt", b"Author\0\0\0\0\0ITXT-SECRET"),
        chunk(b"tIME", &[0x07, 0xE9, 0x0B, 0x17, 12, 0, 0]),
        chunk(b"prVt", b"PRIVATE-SECRET"),
        chunk(b"IDAT", IDAT),
        chunk(b"IEND", &[]),
    ]
}

pub(super) fn png_from(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut p = png::SIGNATURE.to_vec();
    for c in chunks {
        p.extend(c);
    }
    p
}

#[test]
pub(super) fn png_is_recognised_and_loses_its_metadata_but_not_its_picture() {
    let chunks = png_chunks();
    let image = clean(&png_from(&chunks)).unwrap();
    assert_eq!(image.kind(), ImageKind::Png);
    let out = image.bytes();
    assert_gone(out, &PNG_SECRETS);
    // IHDR, gAMA, IDAT and IEND, in order and with their checksums.
    let kept = [&chunks[0], &chunks[1], &chunks[7], &chunks[8]];
    assert_eq!(out, png_from(&kept.map(Clone::clone)));
    assert!(img_parts::png::Png::from_bytes(img_parts::Bytes::copy_from_slice(out)).is_ok());
}

#[test]
pub(super) fn png_missing_iend_is_truncated() {
    let chunks = png_chunks();
    assert_eq!(clean(&png_from(&chunks[..8])), Err(ImageError::Truncated));
}

#[test]
pub(super) fn png_cut_anywhere_is_truncated() {
    let input = png_from(&png_chunks());
    for cut in png::SIGNATURE.len()..input.len() {
        assert_eq!(clean(&input[..cut]), Err(ImageError::Truncated), "cut at {cut}");
    }
}

#[test]
pub(super) fn png_with_a_damaged_chunk_is_unreadable() {
    let mut input = png_from(&png_chunks());
    let pixel = input.len() - 12 - 5; // inside IDAT's zlib stream
    input[pixel] ^= 0xFF;
    assert!(is_unreadable(clean(&input)));
}

#[test]
pub(super) fn png_without_pixels_is_unreadable() {
    let chunks = png_chunks();
    assert!(is_unreadable(clean(&png_from(&[chunks[0].clone(), chunks[8].clone()]))));
}
