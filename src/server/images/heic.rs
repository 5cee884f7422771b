//! HEIC/HEIF (ISO base media file format): finds where the Exif and XMP items are stored
//! and overwrites them with zeros in place.
//!
//! Nothing is moved, because a HEIF file addresses its image data by absolute file offset
//! (the `iloc` box): zeroing keeps every offset valid without rewriting the file. The
//! Exif item is still listed, but holds no Exif header, so readers find nothing in it.
//! Rotation and mirroring are `irot`/`imir` properties, not Exif, and are kept.
//!
//! What is blanked:
//! - the data of every item of type `Exif` or `mime` (XMP is stored as a `mime` item; no
//!   other `mime` item belongs in a photo),
//! - every byte of an `mdat` box that no remaining item points to (metadata a writer left
//!   unreferenced, or the media of a track box removed below),
//! - top-level boxes other than `ftyp`, `meta` and `mdat` (e.g. `moov`, `uuid`, Samsung's
//!   motion-photo `mpvd`), and `meta` children a still image does not need (`xml `,
//!   `bxml`, `udta`, ...): each becomes a `free` box full of zeros, which readers skip,
//! - the text of `udes` (user description) properties.
//!
//! Accepted brands: `heic`, `heix`, `hevc`, `heim`, `heis`, `hevm`, `hevs`, and the
//! generic `mif1` and `msf1`. AVIF is not among the accepted formats but also carries
//! `mif1`, so a file that names an AV1 brand (`avif`, `avis`, `avio`) is refused unless it
//! also names an HEVC one.
//!
//! The structure must be followed completely (one `meta` with a `pict` handler, `iinf`
//! entries of version 2 or 3, `iloc` of version 0, 1 or 2, every item's data inside an
//! `mdat` or the `idat`): a file we cannot follow is refused rather than stored with its
//! metadata.

use super::{be_u16, be_u32, be_u64, unreadable, ImageError};
use std::collections::HashSet;
use std::ops::Range;

type FourCc = [u8; 4];

const HEIF_BRANDS: [FourCc; 9] =
    [*b"heic", *b"heix", *b"hevc", *b"heim", *b"heis", *b"hevm", *b"hevs", *b"mif1", *b"msf1"];
const HEVC_BRANDS: [FourCc; 7] = [*b"heic", *b"heix", *b"hevc", *b"heim", *b"heis", *b"hevm", *b"hevs"];
const AV1_BRANDS: [FourCc; 3] = [*b"avif", *b"avis", *b"avio"];

/// Item types whose data is metadata.
const METADATA_ITEMS: [FourCc; 2] = [*b"Exif", *b"mime"];

/// Boxes kept as they are, at the top level and inside `meta`.
const KEPT_TOP: [FourCc; 3] = [*b"ftyp", *b"meta", *b"mdat"];
const KEPT_IN_META: [FourCc; 9] =
    [*b"hdlr", *b"pitm", *b"iloc", *b"iinf", *b"iref", *b"iprp", *b"idat", *b"dinf", *b"grpl"];

/// More item extents than any photo has (an iPhone grid image has a few dozen); the limit
/// bounds the work an `iloc` with zero-width fields could otherwise ask for.
const MAX_EXTENTS: usize = 1 << 16;

/// Whether the file opens with an `ftyp` box naming an accepted HEIF brand (see the
/// module documentation for AVIF).
pub(super) fn is_heic(bytes: &[u8]) -> bool {
    if bytes.get(4..8) != Some(b"ftyp") {
        return false;
    }
    let Some(size) = be_u32(bytes, 0).and_then(|s| usize::try_from(s).ok()) else {
        return false;
    };
    if size < 16 {
        return false;
    }
    // Brands beyond the end of a cut-off file are not there to read; the cut is reported
    // as truncation once the boxes are walked.
    let compatible = bytes.get(16..size.min(bytes.len())).unwrap_or_default();
    let brands = || bytes.get(8..12).into_iter().chain(compatible.chunks_exact(4));
    let names_one_of = |list: &[FourCc]| brands().any(|b| list.iter().any(|l| l == b));
    names_one_of(&HEIF_BRANDS) && (!names_one_of(&AV1_BRANDS) || names_one_of(&HEVC_BRANDS))
}

pub(super) fn clean(input: &[u8]) -> Result<Vec<u8>, ImageError> {
    // The top-level boxes must tile the whole file: one running past the end, or a piece
    // of a box header at the end, is an upload cut off.
    let top = boxes(input, 0, input.len(), ImageError::Truncated)?;
    let mdats: Vec<Range<usize>> = top.iter().filter(|b| &b.kind == b"mdat").map(BmffBox::body).collect();
    if mdats.is_empty() {
        // The image data comes last; a file that stops at the end of a box before it was
        // cut there.
        return Err(ImageError::Truncated);
    }
    let meta = only(&top, b"meta")?.ok_or(unreadable("HEIF without a meta box"))?;

    let in_meta = children(input, meta, 4)?;
    let hdlr = only(&in_meta, b"hdlr")?.ok_or(unreadable("HEIF meta without a handler"))?;
    let mut handler = Cursor::new(input, hdlr.body());
    handler.take(8)?; // version, flags, pre-defined
    if &handler.fourcc()? != b"pict" {
        return Err(unreadable("HEIF meta is not a picture"));
    }
    let iinf = only(&in_meta, b"iinf")?.ok_or(unreadable("HEIF without item information"))?;
    let iloc = only(&in_meta, b"iloc")?.ok_or(unreadable("HEIF without item locations"))?;
    let idat = only(&in_meta, b"idat")?.map(BmffBox::body);
    let metadata_ids = metadata_items(input, iinf)?;
    let locations = item_locations(input, iloc)?;

    let mut out = input.to_vec();
    let mut kept_in_mdat = Vec::new();
    for location in &locations {
        let is_metadata = metadata_ids.contains(&location.item_id);
        if location.data_reference_index != 0 {
            return Err(unreadable("HEIF item stored in another file"));
        }
        // Where the extents may lie, and what their offsets count from.
        let (containers, base) = match location.construction_method {
            0 => (mdats.as_slice(), 0),
            1 => {
                let idat = idat.as_ref().ok_or(unreadable("HEIF item in a missing idat"))?;
                (std::slice::from_ref(idat), idat.start)
            }
            // Built from other items' data, which have their own locations.
            2 if !is_metadata => continue,
            _ => return Err(unreadable("HEIF item built in a way we do not follow")),
        };
        for extent in &location.extents {
            let start = usize::try_from(extent.offset)
                .ok()
                .and_then(|o| o.checked_add(base))
                .ok_or(unreadable("HEIF item offset out of range"))?;
            // A zero length means "to the end of the data" (the file, or the idat); for an
            // image item it is taken to the end of the mdat it starts in.
            let end = match usize::try_from(extent.length).ok() {
                Some(0) if is_metadata => return Err(unreadable("HEIF metadata item without a length")),
                Some(0) => containers.iter().find(|c| c.contains(&start)).map(|c| c.end),
                Some(length) => start.checked_add(length),
                None => None,
            }
            .ok_or(unreadable("HEIF item data outside mdat and idat"))?;
            let range = start..end;
            if !containers.iter().any(|c| c.start <= range.start && range.end <= c.end) {
                return Err(unreadable("HEIF item data outside mdat and idat"));
            }
            if is_metadata {
                zero(&mut out, range);
            } else if location.construction_method == 0 {
                kept_in_mdat.push(range);
            }
        }
    }
    kept_in_mdat.sort_unstable_by_key(|r| r.start);
    for mdat in &mdats {
        zero_all_but(&mut out, mdat.clone(), &kept_in_mdat);
    }

    free(&mut out, &top, &KEPT_TOP);
    free(&mut out, &in_meta, &KEPT_IN_META);
    if let Some(iprp) = only(&in_meta, b"iprp")? {
        for ipco in children(input, iprp, 0)?.iter().filter(|b| &b.kind == b"ipco") {
            for udes in children(input, ipco, 0)?.iter().filter(|b| &b.kind == b"udes") {
                // After version and flags: four empty strings, a valid `udes`.
                zero(&mut out, udes.body_start.saturating_add(4)..udes.end);
            }
        }
    }
    Ok(out)
}

/// One box: where it starts and ends, and where its contents start.
#[derive(Debug, Clone, Copy)]
struct BmffBox {
    kind: FourCc,
    start: usize,
    /// The end of the size and type fields (a `uuid` box's user type comes after it).
    fields_end: usize,
    body_start: usize,
    end: usize,
}

impl BmffBox {
    fn body(&self) -> Range<usize> {
        self.body_start..self.end
    }
}

/// The boxes that tile `bytes[from..to]`; `overrun` is the error when the last one runs
/// past `to`.
fn boxes(bytes: &[u8], from: usize, to: usize, overrun: ImageError) -> Result<Vec<BmffBox>, ImageError> {
    let mut found = Vec::new();
    let mut at = from;
    while at < to {
        let found_box = read_box(bytes, at, to, overrun)?;
        at = found_box.end;
        found.push(found_box);
    }
    Ok(found)
}

fn read_box(bytes: &[u8], start: usize, limit: usize, overrun: ImageError) -> Result<BmffBox, ImageError> {
    let room = limit.checked_sub(start).ok_or(overrun)?;
    if room < 8 {
        return Err(overrun);
    }
    let size = be_u32(bytes, start).ok_or(overrun)?;
    let kind: FourCc = bytes.get(start + 4..start + 8).and_then(|k| k.try_into().ok()).ok_or(overrun)?;
    let (size, fields) = match size {
        // Runs to the end of the enclosing box or file.
        0 => (room, 8),
        // A 64-bit size follows the type.
        1 => {
            if room < 16 {
                return Err(overrun);
            }
            let large = be_u64(bytes, start + 8).ok_or(overrun)?;
            (usize::try_from(large).unwrap_or(usize::MAX), 16)
        }
        n => (usize::try_from(n).unwrap_or(usize::MAX), 8),
    };
    let header = if &kind == b"uuid" { fields + 16 } else { fields };
    if size < header {
        return Err(unreadable("HEIF box smaller than its header"));
    }
    if size > room {
        return Err(overrun);
    }
    Ok(BmffBox { kind, start, fields_end: start + fields, body_start: start + header, end: start + size })
}

/// The boxes inside `parent`, whose own fields take `skip` bytes first (4 for the version
/// and flags of a full box).
fn children(bytes: &[u8], parent: &BmffBox, skip: usize) -> Result<Vec<BmffBox>, ImageError> {
    let from = parent
        .body_start
        .checked_add(skip)
        .filter(|&from| from <= parent.end)
        .ok_or(unreadable("HEIF box shorter than its fields"))?;
    boxes(bytes, from, parent.end, unreadable("HEIF box runs past its parent"))
}

/// The one box of `kind`, if any; two are a structure we do not follow.
fn only<'a>(boxes: &'a [BmffBox], kind: &FourCc) -> Result<Option<&'a BmffBox>, ImageError> {
    let mut matching = boxes.iter().filter(|b| &b.kind == kind);
    match (matching.next(), matching.next()) {
        (found, None) => Ok(found),
        _ => Err(unreadable("HEIF with a repeated box")),
    }
}

/// The ids of the items whose type (from `iinf`) is Exif or XMP.
fn metadata_items(bytes: &[u8], iinf: &BmffBox) -> Result<HashSet<u32>, ImageError> {
    let mut fields = Cursor::new(bytes, iinf.body());
    let version = fields.u8()?;
    fields.take(3)?;
    // The entry count is not trusted: the `infe` boxes that are there are read.
    if version == 0 {
        fields.u16()?;
    } else {
        fields.u32()?;
    }
    let entries = boxes(bytes, fields.at, iinf.end, unreadable("HEIF box runs past its parent"))?;
    let mut ids = HashSet::new();
    for infe in entries.iter().filter(|b| &b.kind == b"infe") {
        let mut fields = Cursor::new(bytes, infe.body());
        let version = fields.u8()?;
        fields.take(3)?;
        let id = match version {
            2 => u32::from(fields.u16()?),
            3 => fields.u32()?,
            // Versions 0 and 1 have no item type: we could not tell Exif from image data.
            _ => return Err(unreadable("HEIF item information of a version we do not follow")),
        };
        fields.u16()?; // protection index
        let item_type = fields.fourcc()?;
        if METADATA_ITEMS.contains(&item_type) {
            ids.insert(id);
        }
    }
    Ok(ids)
}

/// Where one item's data is, from `iloc`.
#[derive(Debug)]
struct Location {
    item_id: u32,
    /// 0: offsets in the file; 1: offsets in `idat`; 2: offsets in other items.
    construction_method: u8,
    data_reference_index: u16,
    extents: Vec<Extent>,
}

#[derive(Debug)]
struct Extent {
    /// Base offset plus extent offset.
    offset: u64,
    length: u64,
}

fn item_locations(bytes: &[u8], iloc: &BmffBox) -> Result<Vec<Location>, ImageError> {
    let mut fields = Cursor::new(bytes, iloc.body());
    let version = fields.u8()?;
    if version > 2 {
        return Err(unreadable("HEIF item locations of a version we do not follow"));
    }
    fields.take(3)?;
    let sizes = fields.u8()?;
    let (offset_size, length_size) = (sizes >> 4, sizes & 0x0F);
    let sizes = fields.u8()?;
    let base_offset_size = sizes >> 4;
    let index_size = if version == 0 { 0 } else { sizes & 0x0F };
    for size in [offset_size, length_size, base_offset_size, index_size] {
        if !matches!(size, 0 | 4 | 8) {
            return Err(unreadable("HEIF item location field of an unknown width"));
        }
    }
    let item_count = if version < 2 { u32::from(fields.u16()?) } else { fields.u32()? };

    let mut locations = Vec::new();
    let mut extent_total = 0usize;
    for _ in 0..item_count {
        // Every item takes at least six bytes, so a false count ends at the box's end.
        let item_id = if version < 2 { u32::from(fields.u16()?) } else { fields.u32()? };
        let construction_method = if version == 0 { 0 } else { (fields.u16()? & 0x0F) as u8 };
        let data_reference_index = fields.u16()?;
        let base_offset = fields.uint(base_offset_size)?;
        let extent_count = fields.u16()?;
        extent_total += usize::from(extent_count);
        if extent_total > MAX_EXTENTS {
            return Err(unreadable("HEIF with more item extents than a photo has"));
        }
        let mut extents = Vec::with_capacity(usize::from(extent_count));
        for _ in 0..extent_count {
            fields.uint(index_size)?;
            let offset = base_offset
                .checked_add(fields.uint(offset_size)?)
                .ok_or(unreadable("HEIF item offset out of range"))?;
            let length = fields.uint(length_size)?;
            extents.push(Extent { offset, length });
        }
        locations.push(Location { item_id, construction_method, data_reference_index, extents });
    }
    Ok(locations)
}

/// Reads the fields of one box, never past its end.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    end: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8], body: Range<usize>) -> Self {
        Cursor { bytes, at: body.start, end: body.end }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ImageError> {
        let short = unreadable("HEIF box shorter than its fields");
        let next = self.at.checked_add(n).filter(|&next| next <= self.end).ok_or(short)?;
        let taken = self.bytes.get(self.at..next).ok_or(short)?;
        self.at = next;
        Ok(taken)
    }

    fn u8(&mut self) -> Result<u8, ImageError> {
        let byte = self.take(1)?.first().copied();
        byte.ok_or(unreadable("HEIF box shorter than its fields"))
    }

    fn u16(&mut self) -> Result<u16, ImageError> {
        let at = self.at;
        self.take(2)?;
        be_u16(self.bytes, at).ok_or(unreadable("HEIF box shorter than its fields"))
    }

    fn u32(&mut self) -> Result<u32, ImageError> {
        let at = self.at;
        self.take(4)?;
        be_u32(self.bytes, at).ok_or(unreadable("HEIF box shorter than its fields"))
    }

    fn fourcc(&mut self) -> Result<FourCc, ImageError> {
        self.take(4)?.try_into().map_err(|_| unreadable("HEIF box shorter than its fields"))
    }

    /// An unsigned field of 0, 4 or 8 bytes (0 bytes: the value 0).
    fn uint(&mut self, size: u8) -> Result<u64, ImageError> {
        match size {
            0 => Ok(0),
            4 => Ok(u64::from(self.u32()?)),
            _ => {
                let at = self.at;
                self.take(8)?;
                be_u64(self.bytes, at).ok_or(unreadable("HEIF box shorter than its fields"))
            }
        }
    }
}

fn zero(out: &mut [u8], range: Range<usize>) {
    if let Some(bytes) = out.get_mut(range) {
        bytes.fill(0);
    }
}

/// Zeroes the bytes of `container` that none of `kept` (sorted by start) covers.
fn zero_all_but(out: &mut [u8], container: Range<usize>, kept: &[Range<usize>]) {
    let mut at = container.start;
    for range in kept.iter() {
        if range.end <= at || range.start >= container.end {
            continue;
        }
        if range.start > at {
            zero(out, at..range.start);
        }
        at = at.max(range.end);
    }
    if at < container.end {
        zero(out, at..container.end);
    }
}

/// Turns every box not of a `kept` kind into a `free` box full of zeros.
fn free(out: &mut [u8], boxes: &[BmffBox], kept: &[FourCc]) {
    for b in boxes.iter().filter(|b| !kept.contains(&b.kind)) {
        if let Some(kind) = out.get_mut(b.start + 4..b.start + 8) {
            kind.copy_from_slice(b"free");
        }
        zero(out, b.fields_end..b.end);
    }
}
