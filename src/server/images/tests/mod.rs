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
        assert!(!contains(out, secret), "{} survived", String::from_utf8_lossy(secret));
    }
}

fn is_unreadable(result: Result<CleanImage, ImageError>) -> bool {
    matches!(result, Err(ImageError::Unreadable { .. }))
}

mod heic_files;
mod jpeg_files;
mod png_files;
mod webp_files;

use heic_files::*;
use jpeg_files::*;
use png_files::*;
use webp_files::*;

// ---------------------------------------------------------------------------------------
// What every upload goes through
// ---------------------------------------------------------------------------------------
#[test]
fn empty_file_is_refused() {
    assert_eq!(clean(&[]), Err(ImageError::Empty));
}

#[test]
fn renamed_text_file_is_not_an_image() {
    assert_eq!(clean(b"hello, this is not an image"), Err(ImageError::NotAnImage));
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
    assert_eq!(clean(&input), Err(ImageError::TooLarge { bytes: MAX_BYTES + 1 }));
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
        ImageError::TooLarge { bytes: MAX_BYTES + 1 },
        ImageError::NotAnImage,
        ImageError::Truncated,
        ImageError::Unreadable { reason: "internal detail" },
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
        assert!(!en.contains("internal detail"), "the log reason is never shown");
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
// ---------------------------------------------------------------------------------------
fn fixtures() -> Vec<Vec<u8>> {
    let rich_heic = Heic {
        iloc_version: 1,
        in_meta: vec![bx(b"iprp", &bx(b"ipco", &full_box(b"udes", 0, b"en\0x\0\0\0")))],
        after_mdat: vec![bx(b"uuid", &[0xBE; 20])],
        ..Heic::default()
    };
    vec![jpeg(), png_from(&png_chunks()), webp(), Heic::default().build().bytes, rich_heic.build().bytes]
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
