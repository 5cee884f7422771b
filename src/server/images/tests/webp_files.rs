//! WebP uploads: recognised by content, metadata removed, the picture kept; broken files refused.

use super::*;

pub(super) fn riff_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = id.to_vec();
    c.extend(u32::try_from(data.len()).unwrap().to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

pub(super) fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut r = b"RIFF".to_vec();
    r.extend(u32::try_from(body.len() + 4).unwrap().to_le_bytes());
    r.extend(b"WEBP");
    r.extend(body);
    r
}

/// A 1×1 lossless bitstream (its header: signature, 14-bit sizes, no alpha).
pub(super) const VP8L_DATA: &[u8] = &[0x2F, 0x00, 0x00, 0x00, 0x00, 0x88, 0x88, 0x08, 0x00];
pub(super) const WEBP_SECRETS: [&[u8]; 3] = [b"GPSLatitude-SECRET", b"XMP-SECRET", b"UNKNOWN-SECRET"];
pub(super) const ICC_FLAG: u8 = 0x20;
pub(super) const EXIF_FLAG: u8 = 0x08;
pub(super) const XMP_FLAG: u8 = 0x04;

pub(super) fn webp() -> Vec<u8> {
    riff(&[
        riff_chunk(b"VP8X", &[ICC_FLAG | EXIF_FLAG | XMP_FLAG, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        riff_chunk(b"ICCP", b"fake-sRGB-profile"),
        riff_chunk(b"VP8L", VP8L_DATA),
        riff_chunk(b"EXIF", b"Exif\0\0MM\0\x2aGPSLatitude-SECRET"),
        riff_chunk(b"XMP ", b"<x:xmpmeta>XMP-SECRET</x:xmpmeta>"),
        riff_chunk(b"UNKN", b"UNKNOWN-SECRET"),
    ])
}

#[test]
pub(super) fn webp_is_recognised_and_loses_its_metadata_but_not_its_picture() {
    let image = clean(&webp()).unwrap();
    assert_eq!(image.kind(), ImageKind::Webp);
    let out = image.bytes();
    assert_gone(out, &WEBP_SECRETS);
    let expected = riff(&[
        riff_chunk(b"VP8X", &[ICC_FLAG, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        riff_chunk(b"ICCP", b"fake-sRGB-profile"),
        riff_chunk(b"VP8L", VP8L_DATA),
    ]);
    assert_eq!(out, expected, "VP8X without the Exif and XMP flags, picture and colours kept");
}

#[test]
pub(super) fn webp_simple_lossy_file_is_kept_as_it_is() {
    let input = riff(&[riff_chunk(b"VP8 ", b"\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00")]);
    assert_eq!(clean(&input).unwrap().into_bytes(), input);
}

#[test]
pub(super) fn webp_with_a_wrong_riff_size_is_truncated() {
    let mut input = webp();
    let declared = u32::try_from(input.len() - 8 + 100).unwrap();
    input[4..8].copy_from_slice(&declared.to_le_bytes());
    assert_eq!(clean(&input), Err(ImageError::Truncated));
}

#[test]
pub(super) fn webp_cut_anywhere_is_truncated() {
    let input = webp();
    // One byte short is the tolerated missing padding byte (next test).
    for cut in 12..input.len() - 1 {
        assert_eq!(clean(&input[..cut]), Err(ImageError::Truncated), "cut at {cut}");
    }
}

#[test]
pub(super) fn webp_size_may_be_off_by_the_padding_byte() {
    // The last chunk has an odd length; its padding byte is counted but missing.
    let input = riff(&[riff_chunk(b"VP8L", VP8L_DATA), riff_chunk(b"EXIF", b"GPS-SECRET1")]);
    assert_eq!(input.last(), Some(&0));
    let out = clean(&input[..input.len() - 1]).unwrap().into_bytes();
    assert_eq!(out, riff(&[riff_chunk(b"VP8L", VP8L_DATA)]));
    // A stray byte after the RIFF is ignored too.
    let mut padded = riff(&[riff_chunk(b"VP8L", VP8L_DATA)]);
    padded.push(0);
    assert_eq!(clean(&padded).unwrap().into_bytes(), riff(&[riff_chunk(b"VP8L", VP8L_DATA)]));
}

#[test]
pub(super) fn webp_without_pixels_is_unreadable() {
    let input = riff(&[riff_chunk(b"VP8X", &[0; 10]), riff_chunk(b"EXIF", b"GPS")]);
    assert!(is_unreadable(clean(&input)));
}
