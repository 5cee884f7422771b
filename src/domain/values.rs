//! Small value types that can only hold valid values (parse, don't validate).
//!
//! Each one is built by `parse`, which says precisely what is wrong with a bad input;
//! once a value of the type exists, the rest of the program can rely on it. The same
//! parsing runs when JSON is decoded (`Decode`) and when stored JSON is read back
//! (`serde::Deserialize`), so there is one rule per field, not two.

use super::decode::{Decode, Decoder, Format, Problem};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Implements `Decode`, serde and `Display` for a newtype over `String` with a `parse`.
macro_rules! text_value {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Decode for $name {
            fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
                let text = String::decode(value, at, d)?;
                match Self::parse(&text) {
                    Ok(v) => Some(v),
                    Err(problem) => {
                        d.report(at, problem);
                        None
                    }
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::parse(&text)
                    .map_err(|p| serde::de::Error::custom(format!("invalid {}: {:?}", stringify!($name), p)))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// Implements `Decode` and serde for a newtype over a small integer with a fixed range.
macro_rules! score_value {
    ($name:ident, $min:literal, $max:literal) => {
        impl $name {
            pub const MIN: u8 = $min;
            pub const MAX: u8 = $max;

            pub fn new(n: u8) -> Option<Self> {
                (Self::MIN..=Self::MAX).contains(&n).then_some(Self(n))
            }

            pub fn get(self) -> u8 {
                self.0
            }
        }

        impl Decode for $name {
            fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
                super::decode::decode_int(value, at, d, $min, $max).map(|n| Self(n as u8))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u8(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let n = u8::deserialize(d)?;
                Self::new(n).ok_or_else(|| {
                    serde::de::Error::custom(format!("{} must be {}..={}", stringify!($name), $min, $max))
                })
            }
        }
    };
}

/// A 0–10 numeric pain rating (0 = no pain, 10 = worst imaginable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PainRating(u8);
score_value!(PainRating, 0, 10);

/// One PHQ-9 or GAD-7 item: 0 "not at all" … 3 "nearly every day".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemScore(u8);
score_value!(ItemScore, 0, 3);

/// The X12 delimiters; refused in any text that can reach an eligibility request.
pub const X12_DELIMITERS: [char; 4] = ['~', '*', ':', '^'];

fn trimmed_length(text: &str, min: usize, max: usize) -> Result<String, Problem> {
    let t = text.trim();
    let n = t.chars().count();
    if n < min || n > max {
        Err(Problem::Length { min, max })
    } else {
        Ok(t.to_owned())
    }
}

/// Whether `c` is shown as nothing yet changes how the text around it is shown: the
/// bidirectional embeddings, overrides, isolates and marks (U+202E turns "Smith" around
/// on screen), zero-width spaces and joiners, invisible operators, the byte-order mark,
/// the soft hyphen and tag characters. In a name they only let one name pass for another.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// A name as people type it: trimmed, within `min..=max` characters, with no control
/// characters and no invisible formatting characters.
fn name_text(text: &str, min: usize, max: usize) -> Result<String, Problem> {
    let t = trimmed_length(text, min, max)?;
    if t.chars().any(is_invisible_format) {
        return Err(Problem::Format(Format::InvisibleCharacter));
    }
    if t.chars().any(char::is_control) {
        return Err(Problem::Format(Format::X12Delimiter));
    }
    Ok(t)
}

/// A person's name (first, last, subscriber, a staff member's): trimmed, 1..=100
/// characters, no X12 delimiters, no control or invisible formatting characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);
text_value!(PersonName);

impl PersonName {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        let t = name_text(text, 1, 100)?;
        if t.contains(X12_DELIMITERS) {
            return Err(Problem::Format(Format::X12Delimiter));
        }
        Ok(Self(t))
    }
}

/// The typed signature on the consent step: trimmed, 2..=200 characters, no control or
/// invisible formatting characters (it is shown to staff as the patient's name).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature(String);
text_value!(Signature);

impl Signature {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        name_text(text, 2, 200).map(Self)
    }
}

/// The name of a payer not in the directory: trimmed, 1..=100, no X12 delimiters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PayerName(String);
text_value!(PayerName);

impl PayerName {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        PersonName::parse(text).map(|n| Self(n.0))
    }
}

/// Free text with a maximum length in characters (symptoms "other", medications, …).
/// Kept as typed, not trimmed, since it is the patient's own words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FreeText<const MAX: usize>(String);

impl<const MAX: usize> FreeText<MAX> {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        if text.chars().count() > MAX {
            Err(Problem::Length { min: 0, max: MAX })
        } else {
            Ok(Self(text.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> Decode for FreeText<MAX> {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let text = String::decode(value, at, d)?;
        Self::parse(&text).map_err(|p| d.report(at, p)).ok()
    }
}

impl<const MAX: usize> Serialize for FreeText<MAX> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for FreeText<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(|_| serde::de::Error::custom(format!("text longer than {MAX}")))
    }
}

/// An e-mail address: trimmed, at most 254 characters, an RFC 5321 address (the
/// `email_address` crate) with a dotted domain name: no display name ("Jane <j@x.org>"),
/// no bracketed IP literal, and not a bare host like `jane@localhost`, which would be a
/// typo on an intake form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);
text_value!(Email);

impl Email {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        use email_address::{EmailAddress, Options};
        let t = text.trim();
        let options = Options::default().with_required_tld().without_domain_literal().without_display_text();
        if t.is_empty() || t.chars().count() > 254 || EmailAddress::parse_with_options(t, options).is_err() {
            return Err(Problem::Format(Format::Email));
        }
        Ok(Self(t.to_owned()))
    }
}

/// A US phone number, stored as its 10 digits (`2145550182`).
/// Accepts punctuation (spaces, dots, dashes, parentheses) and a leading `+1` or `1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);
text_value!(Phone);

impl Phone {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        let bad = || Problem::Format(Format::Phone);
        let t = text.trim();
        if t.chars().any(|c| !(c.is_ascii_digit() || " .-()+".contains(c))) {
            return Err(bad());
        }
        // A '+' is only meaningful as the start of "+1".
        if t.contains('+') && !t.starts_with("+1") || t.matches('+').count() > 1 {
            return Err(bad());
        }
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        let national = match digits.len() {
            10 if !t.starts_with('+') => digits,
            11 if digits.starts_with('1') => digits[1..].to_owned(),
            _ => return Err(bad()),
        };
        Ok(Self(national))
    }

    /// `(214) 555-0182`, for people.
    pub fn display(&self) -> String {
        format!("({}) {}-{}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// A US ZIP code: five digits, or ZIP+4 (`75201-1234`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Zip(String);
text_value!(Zip);

impl Zip {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        let t = text.trim();
        let b = t.as_bytes();
        let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
        let ok = match b.len() {
            5 => digits(b),
            10 => digits(&b[..5]) && b[5] == b'-' && digits(&b[6..]),
            _ => false,
        };
        if ok {
            Ok(Self(t.to_owned()))
        } else {
            Err(Problem::Format(Format::Zip))
        }
    }
}

fn id_chars(text: &str, min: usize, max: usize, format: Format) -> Result<String, Problem> {
    let t = text.trim();
    let n = t.chars().count();
    if n < min || n > max {
        return Err(Problem::Length { min, max });
    }
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Problem::Format(format));
    }
    Ok(t.to_owned())
}

/// An insurance member ID: 2..=80 of `A-Z a-z 0-9 -` (so never an X12 delimiter).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MemberId(String);
text_value!(MemberId);

impl MemberId {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        id_chars(text, 2, 80, Format::MemberId).map(Self)
    }
}

/// An insurance group number: 1..=50 of `A-Z a-z 0-9 -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupNumber(String);
text_value!(GroupNumber);

impl GroupNumber {
    pub fn parse(text: &str) -> Result<Self, Problem> {
        id_chars(text, 1, 50, Format::GroupNumber).map(Self)
    }
}

/// The Crockford base32 alphabet (no I, L, O, U).
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The reference a patient quotes on the phone: 8 Crockford base32 characters (40 bits),
/// shown as two groups of four (`K7Q2-9XPM`), stored without the dash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference(String);

impl Reference {
    /// Builds a reference from 40 random bits.
    pub fn from_bits(bits: u64) -> Self {
        let s = (0..8).map(|i| CROCKFORD[((bits >> (35 - 5 * i)) & 31) as usize] as char).collect();
        Self(s)
    }

    /// Reads a reference as a person might type it: any case, with or without the dash,
    /// and with the letters Crockford maps (`O`→0, `I`/`L`→1).
    pub fn parse(text: &str) -> Result<Self, Problem> {
        let mut out = String::with_capacity(8);
        for c in text.trim().chars().filter(|c| *c != '-' && *c != ' ') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !CROCKFORD.contains(&(c as u8)) || !c.is_ascii() {
                return Err(Problem::Format(Format::Reference));
            }
            out.push(c);
        }
        if out.len() == 8 {
            Ok(Self(out))
        } else {
            Err(Problem::Format(Format::Reference))
        }
    }

    /// The compact form stored in the database and used as the X12 trace (`K7Q29XPM`).
    pub fn compact(&self) -> &str {
        &self.0
    }

    /// The form shown to people (`K7Q2-9XPM`).
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.display())
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(|_| serde::de::Error::custom("invalid reference"))
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepts_us_forms_and_normalises_to_ten_digits() {
        for ok in ["(214) 555-0182", "214.555.0182", "+1 214 555 0182", "1-214-555-0182", "2145550182"] {
            assert_eq!(Phone::parse(ok).unwrap().as_str(), "2145550182", "{ok}");
        }
        assert_eq!(Phone::parse("2145550182").unwrap().display(), "(214) 555-0182");
    }

    #[test]
    fn phone_refuses_other_lengths_letters_and_foreign_codes() {
        for bad in [
            "555-0182",
            "214555018",
            "21455501823",
            "+44 20 7946 0958",
            "214-555-018x",
            "",
            "+2145550182",
            "2+145550182",
        ] {
            assert_eq!(Phone::parse(bad), Err(Problem::Format(Format::Phone)), "{bad}");
        }
    }

    #[test]
    fn email_accepts_ordinary_addresses_trimmed() {
        for ok in ["jane@example.com", "jane.doe+clinic@mail.example.org", "o'brien@example.co.uk", "  j@x.io "] {
            assert_eq!(Email::parse(ok).unwrap().as_str(), ok.trim(), "{ok}");
        }
    }

    #[test]
    fn email_refuses_malformed_bare_hosts_literals_and_display_names() {
        let too_long = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "",
            "jane",
            "jane@",
            "@example.com",
            "jane@@example.com",
            "jane@localhost",
            "jane@[192.0.2.1]",
            "Jane Doe <jane@example.com>",
            "jane doe@example.com",
            "jane@exa mple.com",
            "jane@-example.com",
            &too_long,
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::Format(Format::Email)), "{bad}");
        }
    }

    #[test]
    fn zip_is_five_digits_or_zip_plus_four() {
        assert!(Zip::parse("75201").is_ok());
        assert!(Zip::parse("75201-1234").is_ok());
        for bad in ["7520", "752011", "75201-123", "75201 1234", "abcde", "75201-12345"] {
            assert!(Zip::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_signatures_refuse_bidi_overrides_and_zero_width_characters() {
        let invisible = Problem::Format(Format::InvisibleCharacter);
        for bad in [
            "Smith\u{202E}htimS",
            "\u{202D}Jane",
            "Ja\u{200B}ne",
            "Ja\u{200D}ne",
            "Jane\u{2066}x\u{2069}",
            "\u{FEFF}Jane",
            "Ja\u{00AD}ne",
            "Jane\u{200F}",
            "Jane\u{E0041}",
            "Jane\u{061C}",
        ] {
            assert_eq!(PersonName::parse(bad), Err(invisible.clone()), "{bad:?}");
            assert_eq!(PayerName::parse(bad), Err(invisible.clone()), "{bad:?}");
            assert_eq!(Signature::parse(bad), Err(invisible.clone()), "{bad:?}");
        }
        assert!(Signature::parse("Ana García").is_ok());
        assert_eq!(Signature::parse("Ana\u{7}García"), Err(Problem::Format(Format::X12Delimiter)));
    }

    #[test]
    fn names_are_trimmed_and_bounded_and_refuse_x12_delimiters() {
        assert_eq!(PersonName::parse("  Jane ").unwrap().as_str(), "Jane");
        assert_eq!(PersonName::parse("   "), Err(Problem::Length { min: 1, max: 100 }));
        assert!(PersonName::parse(&"a".repeat(100)).is_ok());
        assert_eq!(PersonName::parse(&"a".repeat(101)), Err(Problem::Length { min: 1, max: 100 }));
        for bad in ["Ja~ne", "Ja*ne", "Ja:ne", "Ja^ne"] {
            assert_eq!(PersonName::parse(bad), Err(Problem::Format(Format::X12Delimiter)), "{bad}");
        }
        assert!(PersonName::parse("José O'Brien-Núñez").is_ok());
        assert!(PersonName::parse("Nguyễn Thị Minh Khai").is_ok());
        assert!(PersonName::parse("محمد").is_ok(), "right-to-left scripts are names too");
    }

    #[test]
    fn member_and_group_ids_take_only_letters_digits_and_dashes() {
        assert!(MemberId::parse("XYZ123456789").is_ok());
        assert_eq!(MemberId::parse("X"), Err(Problem::Length { min: 2, max: 80 }));
        assert_eq!(MemberId::parse("XYZ*123"), Err(Problem::Format(Format::MemberId)));
        assert!(MemberId::parse(&"A".repeat(80)).is_ok());
        assert!(MemberId::parse(&"A".repeat(81)).is_err());
        assert!(GroupNumber::parse("G-1").is_ok());
        assert_eq!(GroupNumber::parse("G~1"), Err(Problem::Format(Format::GroupNumber)));
        assert_eq!(GroupNumber::parse(""), Err(Problem::Length { min: 1, max: 50 }));
    }

    #[test]
    fn email_must_be_an_address() {
        assert!(Email::parse("jane@example.com").is_ok());
        for bad in ["", "jane", "jane@", "@example.com", "ja ne@example.com"] {
            assert_eq!(Email::parse(bad), Err(Problem::Format(Format::Email)), "{bad}");
        }
    }

    #[test]
    fn reference_round_trips_and_reads_human_typing() {
        let r = Reference::from_bits(0xFF_FFFF_FFFF);
        assert_eq!(r.compact(), "ZZZZZZZZ");
        let r = Reference::from_bits(0);
        assert_eq!(r.display(), "0000-0000");
        let typed = Reference::parse("k7q2-9xpm").unwrap();
        assert_eq!(typed.display(), "K7Q2-9XPM");
        assert_eq!(Reference::parse("KOQ2 9XPL").unwrap().compact(), "K0Q29XP1");
        assert!(Reference::parse("K7Q2-9XP").is_err());
        assert!(Reference::parse("K7Q2-9XPU").is_err());
        assert!(Reference::parse("K7Q2-9XPÄ").is_err());
    }

    #[test]
    fn free_text_counts_characters_not_bytes() {
        assert!(FreeText::<3>::parse("ñññ").is_ok());
        assert!(FreeText::<3>::parse("ññññ").is_err());
    }
}
