//! HEIC uploads: recognised by content, metadata removed, the picture kept; broken files refused.

use super::*;

pub(super) fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = u32::try_from(body.len() + 8).unwrap().to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(body);
    b
}

pub(super) fn full_box(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    bx(kind, &[&[version, 0, 0, 0], body].concat())
}

#[derive(Clone)]
pub(super) struct Item {
    pub(super) id: u32,
    pub(super) kind: [u8; 4],
    pub(super) data: Vec<u8>,
    pub(super) in_idat: bool,
}

pub(super) fn item(id: u32, kind: &[u8; 4], data: &[u8]) -> Item {
    Item { id, kind: *kind, data: data.to_vec(), in_idat: false }
}

pub(super) const HEVC_DATA: &[u8] = b"HEVC-IMAGE-DATA-0123456789";
pub(super) const EXIF_ITEM: &[u8] = b"\0\0\0\x06Exif\0\0MM\0\x2aGPSLatitude-SECRET";
pub(super) const XMP_ITEM: &[u8] = b"<x:xmpmeta>XMP-SECRET</x:xmpmeta>";

#[derive(Clone)]
pub(super) struct Heic {
    pub(super) brands: Vec<&'static [u8; 4]>,
    pub(super) iloc_version: u8,
    /// Width in bytes of offsets and lengths in `iloc` (4 or 8).
    pub(super) field_size: u8,
    pub(super) infe_version: Option<u8>,
    pub(super) items: Vec<Item>,
    /// Extra boxes inside `meta` (after `idat`).
    pub(super) in_meta: Vec<Vec<u8>>,
    /// Bytes in `mdat` after the items', which no item points to.
    pub(super) unreferenced: Vec<u8>,
    pub(super) after_mdat: Vec<Vec<u8>>,
}

impl Default for Heic {
    fn default() -> Self {
        Heic {
            brands: vec![b"heic", b"mif1", b"heic"],
            iloc_version: 0,
            field_size: 4,
            infe_version: None,
            items: vec![item(1, b"hvc1", HEVC_DATA), item(2, b"Exif", EXIF_ITEM), item(3, b"mime", XMP_ITEM)],
            in_meta: vec![],
            unreferenced: vec![],
            after_mdat: vec![],
        }
    }
}

/// Where a built file keeps each item's data.
pub(super) struct Built {
    pub(super) bytes: Vec<u8>,
    pub(super) ranges: Vec<(u32, std::ops::Range<usize>)>,
}

impl Heic {
    pub(super) fn meta(&self, mdat_start: usize) -> (Vec<u8>, Vec<(u32, std::ops::Range<usize>)>) {
        let hdlr = full_box(b"hdlr", 0, &[&[0u8; 4][..], b"pict", &[0; 12], b"\0"].concat());
        let mut iinf_body = u16::try_from(self.items.len()).unwrap().to_be_bytes().to_vec();
        for it in &self.items {
            let version = self.infe_version.unwrap_or(if it.id > 0xFFFF { 3 } else { 2 });
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
            let offset = if it.in_idat { in_idat } else { mdat_start + in_mdat };
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

    pub(super) fn build(&self) -> Built {
        let mut ftyp_body = self.brands[0].to_vec();
        ftyp_body.extend([0, 0, 0, 0]);
        for b in &self.brands[1..] {
            ftyp_body.extend(*b);
        }
        let ftyp = bx(b"ftyp", &ftyp_body);
        // Offsets do not change the size of `meta`: measure it, then fill them in.
        let mdat_start = ftyp.len() + self.meta(0).0.len() + 8;
        let (meta, ranges) = self.meta(mdat_start);
        let mut mdat_body: Vec<u8> = self.items.iter().filter(|i| !i.in_idat).flat_map(|i| i.data.clone()).collect();
        mdat_body.extend(&self.unreferenced);
        let mut bytes = [ftyp, meta, bx(b"mdat", &mdat_body)].concat();
        for extra in &self.after_mdat {
            bytes.extend(extra);
        }
        Built { bytes, ranges }
    }
}

/// Asserts that `out` equals `input` except for zeros exactly over `blanked`.
pub(super) fn assert_only_blanked(input: &[u8], out: &[u8], blanked: &[std::ops::Range<usize>]) {
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
pub(super) fn heic_is_recognised_and_its_exif_and_xmp_items_are_blanked_in_place() {
    let built = Heic::default().build();
    let image = clean(&built.bytes).unwrap();
    assert_eq!(image.kind(), ImageKind::Heic);
    let out = image.bytes();
    assert_gone(out, &[b"GPSLatitude-SECRET", b"XMP-SECRET"]);
    assert!(contains(out, HEVC_DATA));
    let blanked: Vec<_> = built.ranges.iter().filter(|(id, _)| *id != 1).map(|(_, r)| r.clone()).collect();
    assert_eq!(blanked.len(), 2);
    assert_only_blanked(&built.bytes, out, &blanked);
}

#[test]
pub(super) fn heic_item_locations_of_every_version_and_width_are_followed() {
    for iloc_version in [0, 1, 2] {
        for field_size in [4, 8] {
            let mut spec = Heic { iloc_version, field_size, ..Heic::default() };
            if iloc_version == 2 {
                // Version 2 carries 32-bit item ids (and `infe` version 3).
                spec.items[1].id = 0x0001_0002;
            }
            let input = spec.build().bytes;
            let out = clean(&input).unwrap().into_bytes();
            assert_gone(&out, &[b"GPSLatitude-SECRET", b"XMP-SECRET"]);
            assert!(contains(&out, HEVC_DATA), "v{iloc_version}, {field_size}-byte fields");
        }
    }
}

#[test]
pub(super) fn heic_exif_stored_in_idat_is_blanked() {
    let mut spec = Heic { iloc_version: 1, ..Heic::default() };
    spec.items[1].in_idat = true;
    let input = spec.build().bytes;
    let out = clean(&input).unwrap().into_bytes();
    assert_gone(&out, &[b"GPSLatitude-SECRET", b"XMP-SECRET"]);
    assert!(contains(&out, HEVC_DATA));
}

#[test]
pub(super) fn heic_unreferenced_data_and_unknown_boxes_are_blanked() {
    let xml = full_box(b"xml ", 0, b"<x:xmpmeta>META-XML-SECRET</x:xmpmeta>");
    let udes = full_box(b"udes", 0, b"en\0UDES-SECRET\0\0\0");
    let ipco = bx(b"ipco", &[bx(b"ispe", &[0; 12]), udes].concat());
    let iprp = bx(b"iprp", &[ipco, full_box(b"ipma", 0, &[0, 0, 0, 0])].concat());
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
        &[b"META-XML-SECRET", b"UDES-SECRET", b"LEFTOVER-SECRET", b"UUID-XMP-SECRET", b"MOTION-PHOTO-SECRET"],
    );
    assert!(contains(&out, HEVC_DATA));
    assert!(contains(&out, &bx(b"ispe", &[0; 12])), "image properties are kept");
    // The removed boxes are now `free` boxes of the same size, so every offset still holds.
    let free_boxes = out.windows(4).filter(|w| w == b"free").count();
    assert_eq!(free_boxes, 3);
    assert_eq!(clean(&out).unwrap().into_bytes(), out);
}

#[test]
pub(super) fn heic_cut_anywhere_is_truncated() {
    let input = Heic::default().build().bytes;
    for cut in 12..input.len() {
        assert_eq!(clean(&input[..cut]), Err(ImageError::Truncated), "cut at {cut}");
    }
}

#[test]
pub(super) fn avif_is_not_accepted_unless_it_is_also_heic() {
    let avif = Heic { brands: vec![b"avif", b"mif1", b"miaf"], ..Heic::default() }.build().bytes;
    assert_eq!(clean(&avif), Err(ImageError::NotAnImage));
    let both = Heic { brands: vec![b"mif1", b"avif", b"heic"], ..Heic::default() }.build().bytes;
    assert_eq!(clean(&both).map(|i| i.kind()), Ok(ImageKind::Heic));
    let other = Heic { brands: vec![b"isom", b"mp41"], ..Heic::default() }.build().bytes;
    assert_eq!(clean(&other), Err(ImageError::NotAnImage));
}

#[test]
pub(super) fn heic_that_cannot_be_followed_is_refused_rather_than_kept_with_metadata() {
    // Item information without item types.
    assert!(is_unreadable(clean(&Heic { infe_version: Some(1), ..Heic::default() }.build().bytes)));
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
    let start = built.ranges.iter().find(|(id, _)| *id == 4).unwrap().1.start;
    let entry = input.windows(4).rposition(|w| w == u32::try_from(start).unwrap().to_be_bytes()).unwrap();
    input[entry..entry + 4].copy_from_slice(&40u32.to_be_bytes());
    input[entry + 4..entry + 8].copy_from_slice(&8u32.to_be_bytes());
    assert!(is_unreadable(clean(&input)));
    // No `meta` box at all.
    let mut no_meta = bx(b"ftyp", b"heic\0\0\0\0mif1");
    no_meta.extend(bx(b"mdat", HEVC_DATA));
    assert!(is_unreadable(clean(&no_meta)));
}
