//! The upload rules, each as a test: every accepted format is recognised by its content
//! and loses its metadata while its picture stays; empty, oversized, renamed and cut-off
//! files are refused with the matching error; no input makes `clean` panic.
//!
//! The fixtures are built by hand, byte by byte, so that each test knows exactly where the
//! metadata and the picture data are.

use super::*;
use proptest::prelude::*;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn assert_gone(out: &[u8], secrets: &[&[u8]]) {
    for secret in secrets {
        assert!(
            !contains(out, secret),
            "{} survived",
            String::from_utf8_lossy(secret)
        );
    }
}

fn is_unreadable(result: Result<CleanImage, ImageError>) -> bool {
    matches!(result, Err(ImageError::Unreadable { .. }))
}

// ---------------------------------------------------------------------------------------
// JPEG

fn segment(marker: u8, contents: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&u16::try_from(contents.len() + 2).unwrap().to_be_bytes());
    s.extend_from_slice(contents);
    s
}

/// Entropy-coded data with a stuffed `FF 00` and a restart marker inside.
const SCAN: &[u8] = &[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78, 0x9A, 0xBC];
const ICC: &[u8] = b"ICC_PROFILE\0\x01\x01fake-sRGB-profile";
const JPEG_SECRETS: [&[u8]; 5] = [
    b"GPSLatitude-SECRET",
    b"XMP-SECRET",
    b"IPTC-SECRET",
    b"COMMENT-SECRET",
    b"MAKER-SECRET",
];

fn jfif() -> Vec<u8> {
    segment(0xE0, b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x00\x00")
}

fn frame() -> Vec<u8> {
    let mut f = segment(0xDB, &[[0u8].as_slice(), &[1; 64]].concat()); // DQT
    f.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0])); // SOF0, 8×8 grey
    let mut dht = vec![0x00, 0, 1];
    dht.extend([0; 14]);
    dht.push(0);
    f.extend(segment(0xC4, &dht)); // DHT
    f
}

fn sos() -> Vec<u8> {
    segment(0xDA, &[1, 1, 0x00, 0, 63, 0])
}

/// A baseline JPEG carrying Exif, XMP, IPTC, a comment and a maker segment.
fn jpeg() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    j.extend(jfif());
    j.extend(segment(0xE1, b"Exif\0\0MM\0\x2aGPSLatitude-SECRET"));
    j.extend(segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>XMP-SECRET",
    ));
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
fn jpeg_is_recognised_and_loses_its_metadata_but_not_its_picture() {
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
        assert!(
            parsed.segment_by_marker(marker).is_none(),
            "marker {marker:02X} kept"
        );
    }
}

#[test]
fn jpeg_jfif_thumbnail_and_adobe_extras_are_dropped() {
    let mut input = vec![0xFF, 0xD8];
    // JFIF with a 1×1 thumbnail, and an Adobe segment padded with extra bytes.
    input.extend(segment(
        0xE0,
        b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x01\x01THM",
    ));
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
fn exif_with_orientation(big_endian: bool, orientation: u16) -> Vec<u8> {
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
fn jpeg_keeps_only_the_orientation_of_its_exif() {
    let rotated = segment(
        0xE1,
        b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0",
    );
    for big_endian in [true, false] {
        let mut input = jpeg();
        input.splice(2..2, segment(0xE1, &exif_with_orientation(big_endian, 6)));
        let out = clean(&input).unwrap().into_bytes();
        assert_gone(&out, &JPEG_SECRETS);
        assert!(
            contains(&out, &rotated),
            "orientation 6 kept (big endian: {big_endian})"
        );
        assert_eq!(out.windows(6).filter(|w| w == b"Exif\0\0").count(), 1);
    }
    // An upright photo needs no Exif at all.
    let mut input = jpeg();
    input.splice(2..2, segment(0xE1, &exif_with_orientation(true, 1)));
    let out = clean(&input).unwrap().into_bytes();
    assert!(!contains(&out, b"Exif"));
}

#[test]
fn jpeg_extra_pictures_after_the_end_are_dropped() {
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
    assert_gone(
        &out,
        &[b"MPF-SECRET", b"SECOND-GPS-SECRET", b"SAMSUNG-SECRET"],
    );
    assert_eq!(out, clean(&jpeg()).unwrap().into_bytes());
}

#[test]
fn jpeg_metadata_between_progressive_scans_is_dropped() {
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
fn jpeg_cut_in_half_is_truncated() {
    let input = jpeg();
    assert_eq!(clean(&input[..input.len() / 2]), Err(ImageError::Truncated));
}

#[test]
fn jpeg_cut_anywhere_is_truncated() {
    let input = jpeg();
    for cut in 3..input.len() {
        assert_eq!(
            clean(&input[..cut]),
            Err(ImageError::Truncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn jpeg_without_a_picture_is_unreadable() {
    assert!(is_unreadable(clean(&[0xFF, 0xD8, 0xFF, 0xD9])));
    let mut tables_only = vec![0xFF, 0xD8];
    tables_only.extend(frame());
    tables_only.extend([0xFF, 0xD9]);
    assert!(is_unreadable(clean(&tables_only)));
}

// ---------------------------------------------------------------------------------------
// PNG

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend(crc32(&[kind.as_slice(), data].concat()).to_be_bytes());
    c
}

/// A 1×1 grey pixel: filter byte 0 and value 0, stored (uncompressed) in a zlib stream.
const IDAT: &[u8] = &[
    0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
];
const PNG_SECRETS: [&[u8]; 5] = [
    b"TEXT-SECRET",
    b"EXIF-SECRET",
    b"ITXT-SECRET",
    b"PRIVATE-SECRET",
    b"\x07\xE9\x0B\x17",
];

fn png_chunks() -> Vec<Vec<u8>> {
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

fn png_from(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut p = png::SIGNATURE.to_vec();
    for c in chunks {
        p.extend(c);
    }
    p
}

#[test]
fn png_is_recognised_and_loses_its_metadata_but_not_its_picture() {
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
fn png_missing_iend_is_truncated() {
    let chunks = png_chunks();
    assert_eq!(clean(&png_from(&chunks[..8])), Err(ImageError::Truncated));
}

#[test]
fn png_cut_anywhere_is_truncated() {
    let input = png_from(&png_chunks());
    for cut in png::SIGNATURE.len()..input.len() {
        assert_eq!(
            clean(&input[..cut]),
            Err(ImageError::Truncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn png_with_a_damaged_chunk_is_unreadable() {
    let mut input = png_from(&png_chunks());
    let pixel = input.len() - 12 - 5; // inside IDAT's zlib stream
    input[pixel] ^= 0xFF;
    assert!(is_unreadable(clean(&input)));
}

#[test]
fn png_without_pixels_is_unreadable() {
    let chunks = png_chunks();
    assert!(is_unreadable(clean(&png_from(&[
        chunks[0].clone(),
        chunks[8].clone()
    ]))));
}

// ---------------------------------------------------------------------------------------
// WebP

fn riff_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = id.to_vec();
    c.extend(u32::try_from(data.len()).unwrap().to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut r = b"RIFF".to_vec();
    r.extend(u32::try_from(body.len() + 4).unwrap().to_le_bytes());
    r.extend(b"WEBP");
    r.extend(body);
    r
}

/// A 1×1 lossless bitstream (its header: signature, 14-bit sizes, no alpha).
const VP8L_DATA: &[u8] = &[0x2F, 0x00, 0x00, 0x00, 0x00, 0x88, 0x88, 0x08, 0x00];
const WEBP_SECRETS: [&[u8]; 3] = [b"GPSLatitude-SECRET", b"XMP-SECRET", b"UNKNOWN-SECRET"];
const ICC_FLAG: u8 = 0x20;
const EXIF_FLAG: u8 = 0x08;
const XMP_FLAG: u8 = 0x04;

fn webp() -> Vec<u8> {
    riff(&[
        riff_chunk(
            b"VP8X",
            &[ICC_FLAG | EXIF_FLAG | XMP_FLAG, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ),
        riff_chunk(b"ICCP", b"fake-sRGB-profile"),
        riff_chunk(b"VP8L", VP8L_DATA),
        riff_chunk(b"EXIF", b"Exif\0\0MM\0\x2aGPSLatitude-SECRET"),
        riff_chunk(b"XMP ", b"<x:xmpmeta>XMP-SECRET</x:xmpmeta>"),
        riff_chunk(b"UNKN", b"UNKNOWN-SECRET"),
    ])
}

#[test]
fn webp_is_recognised_and_loses_its_metadata_but_not_its_picture() {
    let image = clean(&webp()).unwrap();
    assert_eq!(image.kind(), ImageKind::Webp);
    let out = image.bytes();
    assert_gone(out, &WEBP_SECRETS);
    let expected = riff(&[
        riff_chunk(b"VP8X", &[ICC_FLAG, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        riff_chunk(b"ICCP", b"fake-sRGB-profile"),
        riff_chunk(b"VP8L", VP8L_DATA),
    ]);
    assert_eq!(
        out, expected,
        "VP8X without the Exif and XMP flags, picture and colours kept"
    );
}

#[test]
fn webp_simple_lossy_file_is_kept_as_it_is() {
    let input = riff(&[riff_chunk(
        b"VP8 ",
        b"\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00",
    )]);
    assert_eq!(clean(&input).unwrap().into_bytes(), input);
}

#[test]
fn webp_with_a_wrong_riff_size_is_truncated() {
    let mut input = webp();
    let declared = u32::try_from(input.len() - 8 + 100).unwrap();
    input[4..8].copy_from_slice(&declared.to_le_bytes());
    assert_eq!(clean(&input), Err(ImageError::Truncated));
}

#[test]
fn webp_cut_anywhere_is_truncated() {
    let input = webp();
    // One byte short is the tolerated missing padding byte (next test).
    for cut in 12..input.len() - 1 {
        assert_eq!(
            clean(&input[..cut]),
            Err(ImageError::Truncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn webp_size_may_be_off_by_the_padding_byte() {
    // The last chunk has an odd length; its padding byte is counted but missing.
    let input = riff(&[
        riff_chunk(b"VP8L", VP8L_DATA),
        riff_chunk(b"EXIF", b"GPS-SECRET1"),
    ]);
    assert_eq!(input.last(), Some(&0));
    let out = clean(&input[..input.len() - 1]).unwrap().into_bytes();
    assert_eq!(out, riff(&[riff_chunk(b"VP8L", VP8L_DATA)]));
    // A stray byte after the RIFF is ignored too.
    let mut padded = riff(&[riff_chunk(b"VP8L", VP8L_DATA)]);
    padded.push(0);
    assert_eq!(
        clean(&padded).unwrap().into_bytes(),
        riff(&[riff_chunk(b"VP8L", VP8L_DATA)])
    );
}

#[test]
fn webp_without_pixels_is_unreadable() {
    let input = riff(&[riff_chunk(b"VP8X", &[0; 10]), riff_chunk(b"EXIF", b"GPS")]);
    assert!(is_unreadable(clean(&input)));
}

// ---------------------------------------------------------------------------------------
// HEIC

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = u32::try_from(body.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(body);
    b
}

fn full_box(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    bx(kind, &[&[version, 0, 0, 0], body].concat())
}

#[derive(Clone)]
struct Item {
    id: u32,
    kind: [u8; 4],
    data: Vec<u8>,
    in_idat: bool,
}

fn item(id: u32, kind: &[u8; 4], data: &[u8]) -> Item {
    Item {
        id,
        kind: *kind,
        data: data.to_vec(),
        in_idat: false,
    }
}

const HEVC_DATA: &[u8] = b"HEVC-IMAGE-DATA-0123456789";
const EXIF_ITEM: &[u8] = b"\0\0\0\x06Exif\0\0MM\0\x2aGPSLatitude-SECRET";
const XMP_ITEM: &[u8] = b"<x:xmpmeta>XMP-SECRET</x:xmpmeta>";

#[derive(Clone)]
struct Heic {
    brands: Vec<&'static [u8; 4]>,
    iloc_version: u8,
    /// Width in bytes of offsets and lengths in `iloc` (4 or 8).
    field_size: u8,
    infe_version: Option<u8>,
    items: Vec<Item>,
    /// Extra boxes inside `meta` (after `idat`).
    in_meta: Vec<Vec<u8>>,
    /// Bytes in `mdat` after the items', which no item points to.
    unreferenced: Vec<u8>,
    after_mdat: Vec<Vec<u8>>,
}

impl Default for Heic {
    fn default() -> Self {
        Heic {
            brands: vec![b"heic", b"mif1", b"heic"],
            iloc_version: 0,
            field_size: 4,
            infe_version: None,
            items: vec![
                item(1, b"hvc1", HEVC_DATA),
                item(2, b"Exif", EXIF_ITEM),
                item(3, b"mime", XMP_ITEM),
            ],
            in_meta: vec![],
            unreferenced: vec![],
            after_mdat: vec![],
        }
    }
}

/// Where a built file keeps each item's data.
struct Built {
    bytes: Vec<u8>,
    ranges: Vec<(u32, std::ops::Range<usize>)>,
}

impl Heic {
    fn meta(&self, mdat_start: usize) -> (Vec<u8>, Vec<(u32, std::ops::Range<usize>)>) {
        let hdlr = full_box(
            b"hdlr",
            0,
            &[&[0u8; 4][..], b"pict", &[0; 12], b"\0"].concat(),
        );
        let mut iinf_body = u16::try_from(self.items.len())
            .unwrap()
            .to_be_bytes()
            .to_vec();
        for it in &self.items {
            let version = self
                .infe_version
                .unwrap_or(if it.id > 0xFFFF { 3 } else { 2 });
            let mut body = if version == 3 {
                it.id.to_be_bytes().to_vec()
            } else {
                u16::try_from(it.id).unwrap_or(0).to_be_bytes().to_vec()
            };
            body.extend([0, 0]);
            body.extend(it.kind);
            body.push(0);
            if &it.kind == b"mime" {
                body.extend(b"application/rdf+xml\0");
            }
            iinf_body.extend(full_box(b"infe", version, &body));
        }
        let iinf = full_box(b"iinf", 0, &iinf_body);

        let v = self.iloc_version;
        let fs = self.field_size;
        let mut iloc_body = vec![fs << 4 | fs, 0];
        if v < 2 {
            iloc_body.extend(u16::try_from(self.items.len()).unwrap().to_be_bytes());
        } else {
            iloc_body.extend(u32::try_from(self.items.len()).unwrap().to_be_bytes());
        }
        let (mut in_mdat, mut in_idat) = (0usize, 0usize);
        let mut ranges = vec![];
        let mut idat = vec![];
        for it in &self.items {
            if v < 2 {
                iloc_body.extend(u16::try_from(it.id).unwrap().to_be_bytes());
            } else {
                iloc_body.extend(it.id.to_be_bytes());
            }
            if v > 0 {
                iloc_body.extend([0, u8::from(it.in_idat)]); // construction method
            }
            iloc_body.extend([0, 0, 0, 1]); // data reference 0, one extent
            let offset = if it.in_idat {
                in_idat
            } else {
                mdat_start + in_mdat
            };
            if fs == 4 {
                iloc_body.extend(u32::try_from(offset).unwrap().to_be_bytes());
                iloc_body.extend(u32::try_from(it.data.len()).unwrap().to_be_bytes());
            } else {
                iloc_body.extend(u64::try_from(offset).unwrap().to_be_bytes());
                iloc_body.extend(u64::try_from(it.data.len()).unwrap().to_be_bytes());
            }
            if it.in_idat {
                idat.extend(&it.data);
                in_idat += it.data.len();
            } else {
                ranges.push((it.id, offset..offset + it.data.len()));
                in_mdat += it.data.len();
            }
        }
        let iloc = full_box(b"iloc", v, &iloc_body);
        let mut meta_body = [hdlr, iinf, iloc].concat();
        if !idat.is_empty() {
            meta_body.extend(bx(b"idat", &idat));
        }
        for extra in &self.in_meta {
            meta_body.extend(extra);
        }
        (full_box(b"meta", 0, &meta_body), ranges)
    }

    fn build(&self) -> Built {
        let mut ftyp_body = self.brands[0].to_vec();
        ftyp_body.extend([0, 0, 0, 0]);
        for b in &self.brands[1..] {
            ftyp_body.extend(*b);
        }
        let ftyp = bx(b"ftyp", &ftyp_body);
        // Offsets do not change the size of `meta`: measure it, then fill them in.
        let mdat_start = ftyp.len() + self.meta(0).0.len() + 8;
        let (meta, ranges) = self.meta(mdat_start);
        let mut mdat_body: Vec<u8> = self
            .items
            .iter()
            .filter(|i| !i.in_idat)
            .flat_map(|i| i.data.clone())
            .collect();
        mdat_body.extend(&self.unreferenced);
        let mut bytes = [ftyp, meta, bx(b"mdat", &mdat_body)].concat();
        for extra in &self.after_mdat {
            bytes.extend(extra);
        }
        Built { bytes, ranges }
    }
}

/// Asserts that `out` equals `input` except for zeros exactly over `blanked`.
fn assert_only_blanked(input: &[u8], out: &[u8], blanked: &[std::ops::Range<usize>]) {
    assert_eq!(input.len(), out.len(), "HEIC bytes never move");
    for (i, (a, b)) in input.iter().zip(out).enumerate() {
        if blanked.iter().any(|r| r.contains(&i)) {
            assert_eq!(*b, 0, "byte {i} should be blanked");
        } else {
            assert_eq!(a, b, "byte {i} changed");
        }
    }
}

#[test]
fn heic_is_recognised_and_its_exif_and_xmp_items_are_blanked_in_place() {
    let built = Heic::default().build();
    let image = clean(&built.bytes).unwrap();
    assert_eq!(image.kind(), ImageKind::Heic);
    let out = image.bytes();
    assert_gone(out, &[b"GPSLatitude-SECRET", b"XMP-SECRET"]);
    assert!(contains(out, HEVC_DATA));
    let blanked: Vec<_> = built
        .ranges
        .iter()
        .filter(|(id, _)| *id != 1)
        .map(|(_, r)| r.clone())
        .collect();
    assert_eq!(blanked.len(), 2);
    assert_only_blanked(&built.bytes, out, &blanked);
}

#[test]
fn heic_item_locations_of_every_version_and_width_are_followed() {
    for iloc_version in [0, 1, 2] {
        for field_size in [4, 8] {
            let mut spec = Heic {
                iloc_version,
                field_size,
                ..Heic::default()
            };
            if iloc_version == 2 {
                // Version 2 carries 32-bit item ids (and `infe` version 3).
                spec.items[1].id = 0x0001_0002;
            }
            let input = spec.build().bytes;
            let out = clean(&input).unwrap().into_bytes();
            assert_gone(&out, &[b"GPSLatitude-SECRET", b"XMP-SECRET"]);
            assert!(
                contains(&out, HEVC_DATA),
                "v{iloc_version}, {field_size}-byte fields"
            );
        }
    }
}

#[test]
fn heic_exif_stored_in_idat_is_blanked() {
    let mut spec = Heic {
        iloc_version: 1,
        ..Heic::default()
    };
    spec.items[1].in_idat = true;
    let input = spec.build().bytes;
    let out = clean(&input).unwrap().into_bytes();
    assert_gone(&out, &[b"GPSLatitude-SECRET", b"XMP-SECRET"]);
    assert!(contains(&out, HEVC_DATA));
}

#[test]
fn heic_unreferenced_data_and_unknown_boxes_are_blanked() {
    let xml = full_box(b"xml ", 0, b"<x:xmpmeta>META-XML-SECRET</x:xmpmeta>");
    let udes = full_box(b"udes", 0, b"en\0UDES-SECRET\0\0\0");
    let ipco = bx(b"ipco", &[bx(b"ispe", &[0; 12]), udes].concat());
    let iprp = bx(
        b"iprp",
        &[ipco, full_box(b"ipma", 0, &[0, 0, 0, 0])].concat(),
    );
    let spec = Heic {
        in_meta: vec![iprp, xml],
        unreferenced: b"LEFTOVER-SECRET".to_vec(),
        after_mdat: vec![
            bx(b"uuid", &[&[0xBE; 16][..], b"UUID-XMP-SECRET"].concat()),
            bx(b"mpvd", b"MOTION-PHOTO-SECRET"),
        ],
        ..Heic::default()
    };
    let input = spec.build().bytes;
    let out = clean(&input).unwrap().into_bytes();
    assert_eq!(out.len(), input.len());
    assert_gone(
        &out,
        &[
            b"META-XML-SECRET",
            b"UDES-SECRET",
            b"LEFTOVER-SECRET",
            b"UUID-XMP-SECRET",
            b"MOTION-PHOTO-SECRET",
        ],
    );
    assert!(contains(&out, HEVC_DATA));
    assert!(
        contains(&out, &bx(b"ispe", &[0; 12])),
        "image properties are kept"
    );
    // The removed boxes are now `free` boxes of the same size, so every offset still holds.
    let free_boxes = out.windows(4).filter(|w| w == b"free").count();
    assert_eq!(free_boxes, 3);
    assert_eq!(clean(&out).unwrap().into_bytes(), out);
}

#[test]
fn heic_cut_anywhere_is_truncated() {
    let input = Heic::default().build().bytes;
    for cut in 12..input.len() {
        assert_eq!(
            clean(&input[..cut]),
            Err(ImageError::Truncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn avif_is_not_accepted_unless_it_is_also_heic() {
    let avif = Heic {
        brands: vec![b"avif", b"mif1", b"miaf"],
        ..Heic::default()
    }
    .build()
    .bytes;
    assert_eq!(clean(&avif), Err(ImageError::NotAnImage));
    let both = Heic {
        brands: vec![b"mif1", b"avif", b"heic"],
        ..Heic::default()
    }
    .build()
    .bytes;
    assert_eq!(clean(&both).map(|i| i.kind()), Ok(ImageKind::Heic));
    let other = Heic {
        brands: vec![b"isom", b"mp41"],
        ..Heic::default()
    }
    .build()
    .bytes;
    assert_eq!(clean(&other), Err(ImageError::NotAnImage));
}

#[test]
fn heic_that_cannot_be_followed_is_refused_rather_than_kept_with_metadata() {
    // Item information without item types.
    assert!(is_unreadable(clean(
        &Heic {
            infe_version: Some(1),
            ..Heic::default()
        }
        .build()
        .bytes
    )));
    // An `iloc` version that does not exist yet.
    let mut input = Heic::default().build().bytes;
    let iloc = input.windows(4).position(|w| w == b"iloc").unwrap();
    input[iloc + 4] = 3;
    assert!(is_unreadable(clean(&input)));
    // Exif said to lie outside `mdat` (here: over the `meta` box itself).
    let mut spec = Heic::default();
    spec.items.push(item(4, b"Exif", b""));
    let built = spec.build();
    let mut input = built.bytes.clone();
    let start = built
        .ranges
        .iter()
        .find(|(id, _)| *id == 4)
        .unwrap()
        .1
        .start;
    let entry = input
        .windows(4)
        .rposition(|w| w == u32::try_from(start).unwrap().to_be_bytes())
        .unwrap();
    input[entry..entry + 4].copy_from_slice(&40u32.to_be_bytes());
    input[entry + 4..entry + 8].copy_from_slice(&8u32.to_be_bytes());
    assert!(is_unreadable(clean(&input)));
    // No `meta` box at all.
    let mut no_meta = bx(b"ftyp", b"heic\0\0\0\0mif1");
    no_meta.extend(bx(b"mdat", HEVC_DATA));
    assert!(is_unreadable(clean(&no_meta)));
}

// ---------------------------------------------------------------------------------------
// What every upload goes through

#[test]
fn empty_file_is_refused() {
    assert_eq!(clean(&[]), Err(ImageError::Empty));
}

#[test]
fn renamed_text_file_is_not_an_image() {
    assert_eq!(
        clean(b"hello, this is not an image"),
        Err(ImageError::NotAnImage)
    );
    // Nor is a PDF or a ZIP, whatever they were called.
    assert_eq!(clean(b"%PDF-1.7\n"), Err(ImageError::NotAnImage));
    assert_eq!(clean(b"PK\x03\x04rest"), Err(ImageError::NotAnImage));
}

#[test]
fn more_than_ten_megabytes_is_too_large_and_ten_is_fine() {
    // A real JPEG of exactly 10 MB (a long scan) is accepted; one byte more is not.
    let mut input = jpeg();
    let tail = input.split_off(input.len() - 2);
    input.resize(MAX_BYTES - tail.len(), 0x55);
    input.extend(tail);
    assert_eq!(input.len(), MAX_BYTES);
    assert_eq!(clean(&input).map(|i| i.kind()), Ok(ImageKind::Jpeg));
    input.push(0);
    assert_eq!(
        clean(&input),
        Err(ImageError::TooLarge {
            bytes: MAX_BYTES + 1
        })
    );
}

#[test]
fn each_kind_has_its_media_type() {
    assert_eq!(ImageKind::Jpeg.mime(), "image/jpeg");
    assert_eq!(ImageKind::Png.mime(), "image/png");
    assert_eq!(ImageKind::Webp.mime(), "image/webp");
    assert_eq!(ImageKind::Heic.mime(), "image/heic");
}

#[test]
fn messages_are_plain_and_in_both_languages() {
    let errors = [
        ImageError::Empty,
        ImageError::TooLarge {
            bytes: MAX_BYTES + 1,
        },
        ImageError::NotAnImage,
        ImageError::Truncated,
        ImageError::Unreadable {
            reason: "internal detail",
        },
    ];
    assert_eq!(
        ImageError::TooLarge { bytes: 1 }.to_string(),
        "This file is larger than 10 MB. Please take a smaller photo or lower the camera resolution."
    );
    assert_eq!(
        ImageError::NotAnImage.to_string(),
        "This file is not a photo we can read. Please upload a JPEG, PNG, HEIC or WebP picture."
    );
    assert_eq!(
        ImageError::Truncated.to_string(),
        "This photo looks incomplete (the upload may have been cut off). Please try again."
    );
    let english: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let spanish: Vec<&str> = errors.iter().map(ImageError::message_es).collect();
    for (i, (en, es)) in english.iter().zip(&spanish).enumerate() {
        assert!(
            !en.contains("internal detail"),
            "the log reason is never shown"
        );
        assert!(es.contains("Por favor"), "{es}");
        assert_ne!(en.as_str(), *es);
        for j in 0..i {
            assert_ne!(english[j], *en);
            assert_ne!(spanish[j], *es);
        }
    }
}

// ---------------------------------------------------------------------------------------
// No input panics

fn fixtures() -> Vec<Vec<u8>> {
    let rich_heic = Heic {
        iloc_version: 1,
        in_meta: vec![bx(
            b"iprp",
            &bx(b"ipco", &full_box(b"udes", 0, b"en\0x\0\0\0")),
        )],
        after_mdat: vec![bx(b"uuid", &[0xBE; 20])],
        ..Heic::default()
    };
    vec![
        jpeg(),
        png_from(&png_chunks()),
        webp(),
        Heic::default().build().bytes,
        rich_heic.build().bytes,
    ]
}

/// Whatever `clean` accepts, it accepts again unchanged, and never makes bigger (but for
/// the one padding byte a WebP may get back).
fn check_output(input: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(image) = clean(input) {
        prop_assert!(image.bytes().len() <= input.len() + 1);
        let again = clean(image.bytes());
        prop_assert_eq!(again.as_ref().map(CleanImage::bytes), Ok(image.bytes()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_output(&bytes)?;
    }

    #[test]
    fn arbitrary_bytes_after_a_real_signature_never_panic(
        signature in prop::sample::select(vec![
            &[0xFF, 0xD8, 0xFF][..],
            png::SIGNATURE,
            &b"RIFF\x40\0\0\0WEBP"[..],
            &b"\0\0\0\x14ftypheic\0\0\0\0mif1"[..],
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        check_output(&[signature, tail.as_slice()].concat())?;
    }

    #[test]
    fn mutated_images_never_panic(
        fixture in 0..5usize,
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = fixtures().swap_remove(fixture);
        for (at, value) in changes {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        check_output(&bytes)?;
    }
}
