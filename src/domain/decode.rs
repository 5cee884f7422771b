//! Turning untrusted JSON into domain types while collecting *every* problem.
//!
//! serde stops at the first error; the contract (`intake-v1.md`, "Errors") wants every
//! offending field listed with its dotted path and one of a fixed set of codes. So
//! requests are first parsed into a `serde_json::Value` and then walked by the
//! [`Decode`] implementations here, which record a [`FieldError`] for each problem and
//! keep going. The typed values that come out are valid by construction (parse, don't
//! validate). Messages are rendered later, in the reader's language (`i18n`).

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Map, Value};

/// The error codes of the public contract; the wire names never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Malformed,
    Type,
    Required,
    UnknownField,
    InvalidChoice,
    Range,
    Length,
    Format,
    Duplicate,
    MustAccept,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::Type => "type",
            Self::Required => "required",
            Self::UnknownField => "unknown_field",
            Self::InvalidChoice => "invalid_choice",
            Self::Range => "range",
            Self::Length => "length",
            Self::Format => "format",
            Self::Duplicate => "duplicate",
            Self::MustAccept => "must_accept",
        }
    }
}

/// What exactly was wrong, with the numbers a message needs. Kept apart from the code
/// so that one code (say `format`) can explain itself precisely in each language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The body is not JSON at all.
    Malformed,
    /// A JSON value of the wrong kind; the name of the expected kind.
    Type(&'static str),
    Required,
    UnknownField,
    InvalidChoice(&'static [&'static str]),
    /// An integer outside `min..=max`.
    Range {
        min: i64,
        max: i64,
    },
    /// A text whose length in characters is outside `min..=max`.
    Length {
        min: usize,
        max: usize,
    },
    /// A list that must have exactly this many items.
    Count(usize),
    Format(Format),
    Duplicate,
    MustAccept,
    /// An exclusive choice ("None of these") made together with another (the wizard).
    Exclusive,
}

/// The text formats the contract checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Date,
    DateInFuture,
    TooOld,
    Email,
    Phone,
    Zip,
    MemberId,
    GroupNumber,
    /// One of the X12 delimiters `~ * : ^`, which could corrupt an eligibility request.
    X12Delimiter,
    /// A character that is not shown but changes how the text around it is shown
    /// (a bidirectional override, a zero-width space): staff would read another name.
    InvisibleCharacter,
    /// `preferred_contact` is `email` but no e-mail address was given.
    EmailForContact,
    Reference,
}

impl Problem {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed => ErrorCode::Malformed,
            Self::Type(_) => ErrorCode::Type,
            Self::Required => ErrorCode::Required,
            Self::UnknownField => ErrorCode::UnknownField,
            Self::InvalidChoice(_) => ErrorCode::InvalidChoice,
            Self::Range { .. } => ErrorCode::Range,
            Self::Length { .. } | Self::Count(_) => ErrorCode::Length,
            Self::Format(_) => ErrorCode::Format,
            Self::Duplicate => ErrorCode::Duplicate,
            Self::MustAccept => ErrorCode::MustAccept,
            Self::Exclusive => ErrorCode::InvalidChoice,
        }
    }
}

/// One offending field: its dotted path (`clinical.mood.phq9.3`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

/// Every problem found in one request. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }
}

/// The walk's state: where errors go, and the date "today" means for date rules.
pub struct Decoder {
    errors: Vec<FieldError>,
    pub today: Date,
}

impl Decoder {
    pub fn new(today: Date) -> Self {
        Self { errors: Vec::new(), today }
    }

    pub fn report(&mut self, field: &str, problem: Problem) {
        self.errors.push(FieldError { field: field.to_owned(), problem });
    }

    /// Finishes the walk: the value when nothing was reported, else every error.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            // A `None` always comes with a reported error; the fallback keeps that true
            // even if a decoder forgot to report.
            _ if self.errors.is_empty() => {
                Err(FieldErrors(vec![FieldError { field: String::new(), problem: Problem::Malformed }]))
            }
            _ => Err(FieldErrors(self.errors)),
        }
    }
}

/// The dotted path of a member of `parent`.
pub fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// A type that can be read from JSON at a path, reporting what is wrong.
pub trait Decode: Sized {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self>;
}

impl Decode for bool {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            _ => {
                d.report(at, Problem::Type("boolean"));
                None
            }
        }
    }
}

impl Decode for String {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.clone()),
            _ => {
                d.report(at, Problem::Type("string"));
                None
            }
        }
    }
}

impl Decode for Date {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let text = String::decode(value, at, d)?;
        // Only the plain ISO form `YYYY-MM-DD`; jiff alone would also accept other forms.
        let well_formed = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        match well_formed.then(|| text.parse::<Date>().ok()).flatten() {
            Some(date) => Some(date),
            None => {
                d.report(at, Problem::Format(Format::Date));
                None
            }
        }
    }
}

/// An integer within `MIN..=MAX`, e.g. a 0–10 rating.
pub fn decode_int(value: &Value, at: &str, d: &mut Decoder, min: i64, max: i64) -> Option<i64> {
    let n = match value {
        Value::Number(n) => match n.as_i64() {
            Some(n) => n,
            // 7.0 or 7.5 are not integers; a huge u64 is simply out of range.
            None if n.is_u64() => {
                d.report(at, Problem::Range { min, max });
                return None;
            }
            None => {
                d.report(at, Problem::Type("integer"));
                return None;
            }
        },
        // An unanswered item in a list (e.g. a skipped PHQ-9 question) is missing, not mistyped.
        Value::Null => {
            d.report(at, Problem::Required);
            return None;
        }
        _ => {
            d.report(at, Problem::Type("integer"));
            return None;
        }
    };
    if (min..=max).contains(&n) {
        Some(n)
    } else {
        d.report(at, Problem::Range { min, max });
        None
    }
}

/// A JSON array whose items are decoded one by one (every bad item is reported).
pub fn decode_list<T: Decode>(value: &Value, at: &str, d: &mut Decoder) -> Option<Vec<T>> {
    let Value::Array(items) = value else {
        d.report(at, Problem::Type("array"));
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match T::decode(item, &join(at, &i.to_string()), d) {
            Some(v) => out.push(v),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// A JSON object being read field by field; whatever is not read is an unknown field.
pub struct Object<'v> {
    map: &'v Map<String, Value>,
    path: String,
    seen: Vec<&'static str>,
}

impl<'v> Object<'v> {
    /// Opens the object at `at`, or reports that the value is not an object.
    pub fn open(value: &'v Value, at: &str, d: &mut Decoder) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Self { map, path: at.to_owned(), seen: Vec::new() }),
            _ => {
                d.report(at, Problem::Type("object"));
                None
            }
        }
    }

    pub fn path(&self, name: &str) -> String {
        join(&self.path, name)
    }

    /// The raw value of a field that may be absent or null.
    pub fn raw(&mut self, name: &'static str) -> Option<&'v Value> {
        self.seen.push(name);
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// A field that must be present and not null.
    pub fn required<T: Decode>(&mut self, name: &'static str, d: &mut Decoder) -> Option<T> {
        match self.raw(name) {
            Some(v) => T::decode(v, &self.path(name), d),
            None => {
                d.report(&self.path(name), Problem::Required);
                None
            }
        }
    }

    /// A field that may be absent or null (`Some(None)`), or a valid value.
    /// The outer `None` means the value was present and invalid (already reported).
    pub fn optional<T: Decode>(&mut self, name: &'static str, d: &mut Decoder) -> Option<Option<T>> {
        match self.raw(name) {
            Some(v) => T::decode(v, &self.path(name), d).map(Some),
            None => Some(None),
        }
    }

    /// A required field read with a custom decoder (ranges, lists).
    pub fn required_with<T>(
        &mut self,
        name: &'static str,
        d: &mut Decoder,
        f: impl FnOnce(&'v Value, &str, &mut Decoder) -> Option<T>,
    ) -> Option<T> {
        match self.raw(name) {
            Some(v) => f(v, &self.path(name), d),
            None => {
                d.report(&self.path(name), Problem::Required);
                None
            }
        }
    }

    /// Reports every key that was not read: the contract rejects unknown fields.
    pub fn close(self, d: &mut Decoder) {
        let mut unknown: Vec<&String> = self.map.keys().filter(|k| !self.seen.contains(&k.as_str())).collect();
        unknown.sort();
        for key in unknown {
            d.report(&join(&self.path, key), Problem::UnknownField);
        }
    }
}

/// Declares an enum of the contract: fixed wire names, serde, `Decode`, and `ALL`.
#[macro_export]
macro_rules! choice_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($wire),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($wire => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::domain::decode::Decode for $name {
            fn decode(value: &serde_json::Value, at: &str, d: &mut $crate::domain::decode::Decoder) -> Option<Self> {
                match value {
                    serde_json::Value::String(s) => match Self::parse(s) {
                        Some(v) => Some(v),
                        None => {
                            d.report(at, $crate::domain::decode::Problem::InvalidChoice(Self::NAMES));
                            None
                        }
                    },
                    _ => {
                        d.report(at, $crate::domain::decode::Problem::Type("string"));
                        None
                    }
                }
            }
        }
    };
}
