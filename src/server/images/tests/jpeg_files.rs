//! JPEG uploads: recognised by content, metadata removed, the picture kept; broken files refused.

use super::*;

pub(super) fn segment(marker: u8, contents: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&u16::try_from(contents.len() + 2).unwrap().to_be_bytes());
    s.extend_from_slice(contents);
    s
}

/// Entropy-coded data with a stuffed `FF 00` and a restart marker inside.
pub(super) const SCAN: &[u8] = &[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78, 0x9A, 0xBC];
pub(super) const ICC: &[u8] = b"ICC_PROFILE\0\x01\x01fake-sRGB-profile";
pub(super) const JPEG_SECRETS: [&[u8]; 5] =
    [b"GPSLatitude-SECRET", b"XMP-SECRET", b"IPTC-SECRET", b"COMMENT-SECRET", b"MAKER-SECRET"];

pub(super) fn jfif() -> Vec<u8> {
    segment(0xE0, b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x00\x00")
}

pub(super) fn frame() -> Vec<u8> {
    let mut f = segment(0xDB, &[[0u8].as_slice(), &[1; 64]].concat()); // DQT
    f.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0])); // SOF0, 8×8 grey
    let mut dht = vec![0x00, 0, 1];
    dht.extend([0; 14]);
    dht.push(0);
    f.extend(segment(0xC4, &dht)); // DHT
    f
}

pub(super) fn sos() -> Vec<u8> {
    segment(0xDA, &[1, 1, 0x00, 0, 63, 0])
}

/// A baseline JPEG carrying Exif, XMP, IPTC, a comment and a maker segment.
pub(super) fn jpeg() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    j.extend(jfif());
    j.extend(segment(0xE1, b"Exif\0\0MM\0\x2aGPSLatitude-SECRET"));
    j.extend(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>XMP-SECRET"));
    j.extend(segment(0xE2, ICC));
    j.extend(segment(0xED, b"Photoshop 3.0\08BIMIPTC-SECRET"));
    j.extend(segment(0xFE, b"COMMENT-SECRET"));
    j.extend(segment(0xE9, b"MAKER-SECRET"));
    j.extend(frame());
    j.extend(sos());
    j.extend_from_slice(SCAN);
    j.extend([0xFF, 0xD9]);
    j
}

#[test]
pub(super) fn jpeg_is_recognised_and_loses_its_metadata_but_not_its_picture() {
    let input = jpeg();
    let image = clean(&input).unwrap();
    assert_eq!(image.kind(), ImageKind::Jpeg);
    let out = image.bytes();
    assert_gone(out, &JPEG_SECRETS);
    assert!(out.starts_with(&[0xFF, 0xD8]));
    assert!(out.ends_with(&[0xFF, 0xD9]));
    for kept in [jfif(), segment(0xE2, ICC), frame(), sos(), SCAN.to_vec()] {
        assert!(contains(out, &kept), "a picture segment was lost");
    }
    // A second opinion: img-parts reads the result and finds no APP1, APP13 or COM.
    let parsed = img_parts::jpeg::Jpeg::from_bytes(img_parts::Bytes::copy_from_slice(out)).unwrap();
    for marker in [0xE1, 0xED, 0xFE, 0xE9] {
        assert!(parsed.segment_by_marker(marker).is_none(), "marker {marker:02X} kept");
    }
}

#[test]
pub(super) fn jpeg_jfif_thumbnail_and_adobe_extras_are_dropped() {
    let mut input = vec![0xFF, 0xD8];
    // JFIF with a 1×1 thumbnail, and an Adobe segment padded with extra bytes.
    input.extend(segment(0xE0, b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x01\x01THM"));
    input.extend(segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01ADOBE-SECRET"));
    input.extend(frame());
    input.extend(sos());
    input.extend_from_slice(SCAN);
    input.extend([0xFF, 0xD9]);
    let out = clean(&input).unwrap().into_bytes();
    assert!(contains(&out, &jfif()), "JFIF header without its thumbnail");
    assert!(contains(&out, &segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01")));
    assert_gone(&out, &[b"THM", b"ADOBE-SECRET"]);
}

/// An Exif block whose first directory holds a Make pointing at GPS-like text, then the
/// Orientation.
pub(super) fn exif_with_orientation(big_endian: bool, orientation: u16) -> Vec<u8> {
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(if big_endian { b"MM\0\x2a" } else { b"II\x2a\0" });
    exif.extend(u32b(8));
    exif.extend(u16b(2));
    let text_at = 8 + 2 + 2 * 12 + 4;
    exif.extend([u16b(0x010F), u16b(2)].concat());
    exif.extend([u32b(19), u32b(text_at)].concat());
    exif.extend([u16b(0x0112), u16b(3)].concat());
    exif.extend(u32b(1));
    exif.extend([u16b(orientation), [0, 0]].concat());
    exif.extend(u32b(0));
    exif.extend(b"GPSLatitude-SECRET\0");
    exif
}

#[test]
pub(super) fn jpeg_keeps_only_the_orientation_of_its_exif() {
    let rotated = segment(0xE1, b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0");
    for big_endian in [true, false] {
        let mut input = jpeg();
        input.splice(2..2, segment(0xE1, &exif_with_orientation(big_endian, 6)));
        let out = clean(&input).unwrap().into_bytes();
        assert_gone(&out, &JPEG_SECRETS);
        assert!(contains(&out, &rotated), "orientation 6 kept (big endian: {big_endian})");
        assert_eq!(out.windows(6).filter(|w| w == b"Exif\0\0").count(), 1);
    }
    // An upright photo needs no Exif at all.
    let mut input = jpeg();
    input.splice(2..2, segment(0xE1, &exif_with_orientation(true, 1)));
    let out = clean(&input).unwrap().into_bytes();
    assert!(!contains(&out, b"Exif"));
}

#[test]
pub(super) fn jpeg_extra_pictures_after_the_end_are_dropped() {
    // A Multi-Picture file: an MPF segment, then a second JPEG with its own Exif.
    let mut input = jpeg();
    input.splice(2..2, segment(0xE2, b"MPF\0MM\0\x2aMPF-SECRET"));
    let mut second = vec![0xFF, 0xD8];
    second.extend(segment(0xE1, b"Exif\0\0MM\0\x2aSECOND-GPS-SECRET"));
    second.extend(frame());
    second.extend(sos());
    second.extend_from_slice(SCAN);
    second.extend([0xFF, 0xD9]);
    input.extend(&second);
    input.extend(b"SEFT trailer SAMSUNG-SECRET");
    let out = clean(&input).unwrap().into_bytes();
    assert_gone(&out, &[b"MPF-SECRET", b"SECOND-GPS-SECRET", b"SAMSUNG-SECRET"]);
    assert_eq!(out, clean(&jpeg()).unwrap().into_bytes());
}

#[test]
pub(super) fn jpeg_metadata_between_progressive_scans_is_dropped() {
    let mut input = vec![0xFF, 0xD8];
    input.extend(frame());
    input.extend(sos());
    input.extend_from_slice(SCAN);
    input.extend(segment(0xFE, b"COMMENT-SECRET"));
    input.extend(segment(0xE1, b"Exif\0\0GPSLatitude-SECRET"));
    input.extend(sos());
    input.extend_from_slice(&[0xAB, 0xCD, 0xFF, 0x00]);
    input.extend([0xFF, 0xFF, 0xD9]); // a fill byte before EOI
    let out = clean(&input).unwrap().into_bytes();
    assert_gone(&out, &[b"COMMENT-SECRET", b"GPSLatitude-SECRET"]);
    assert!(contains(&out, SCAN));
    assert!(contains(&out, &[0xAB, 0xCD, 0xFF, 0x00]));
}

#[test]
pub(super) fn jpeg_cut_in_half_is_truncated() {
    let input = jpeg();
    assert_eq!(clean(&input[..input.len() / 2]), Err(ImageError::Truncated));
}

#[test]
pub(super) fn jpeg_cut_anywhere_is_truncated() {
    let input = jpeg();
    for cut in 3..input.len() {
        assert_eq!(clean(&input[..cut]), Err(ImageError::Truncated), "cut at {cut}");
    }
}

#[test]
pub(super) fn jpeg_without_a_picture_is_unreadable() {
    assert!(is_unreadable(clean(&[0xFF, 0xD8, 0xFF, 0xD9])));
    let mut tables_only = vec![0xFF, 0xD8];
    tables_only.extend(frame());
    tables_only.extend([0xFF, 0xD9]);
    assert!(is_unreadable(clean(&tables_only)));
}
