//! Splitting X12 text into segments, elements, repetitions and components.
//!
//! An interchange declares its own delimiters in its first 106 bytes, the fixed-width
//! ISA segment: the element separator is byte 4, the repetition separator is ISA11,
//! the component separator is byte 105 and the segment terminator byte 106 (1-based).
//! Nothing else is assumed, so a payer using `|`, `>`, `!` and newlines reads the same
//! as one using `*`, `:`, `^` and `~`.
//!
//! A 271 comes from outside (a clearinghouse, a file downloaded from a portal), and
//! existing crates were found to panic on corrupted input. This tokenizer therefore
//! takes any bytes and answers either segments or an [`X12Error`] saying what is wrong;
//! it never indexes past what it has checked and never unwraps what it has read.
//!
//! Tolerated, because real files do it: a byte-order mark and whitespace before the ISA,
//! CR/LF after segment terminators (or anywhere, when the terminator is not itself CR
//! or LF: some systems wrap files at 80 columns), spaces before a segment ID, and a
//! missing terminator after the last segment. Not tolerated: an ISA that is not exactly
//! 106 characters on one line, since its fixed width is what locates the delimiters;
//! one whose elements are not padded is refused as such ([`X12Error::IsaNotFixedWidth`])
//! rather than with whatever its misplaced "delimiters" happen to be.

use super::X12Error;

/// The ISA segment is always exactly this long, terminator included.
pub const ISA_LEN: usize = 106;

/// Widths of ISA01..=ISA16; fixed by the standard, which is what lets the delimiters be
/// read before anything else is known.
const ISA_WIDTHS: [usize; 16] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

/// The four delimiters of one interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    pub element: char,
    /// `None` for pre-5010 interchanges, whose ISA11 is a standards code (`U`) rather
    /// than a separator: elements then never repeat.
    pub repetition: Option<char>,
    pub component: char,
    pub segment: char,
}

impl Delimiters {
    /// The delimiters of `x12-eligibility.md`, used for every 270 we write.
    pub const STANDARD: Self = Self { element: '*', repetition: Some('^'), component: ':', segment: '~' };

    /// Reads and checks the delimiters declared by a complete ISA segment.
    fn from_isa(isa: &[u8; ISA_LEN]) -> Result<Self, X12Error> {
        let element = char::from(isa[3]);
        let repetition = char::from(isa[82]);
        let component = char::from(isa[104]);
        let segment = char::from(isa[105]);
        // Before 5010, ISA11 held a letter code; a letter cannot be a separator.
        let repetition = (!repetition.is_ascii_alphanumeric()).then_some(repetition);

        let name = |c: char| format!("{:?}", c);
        for (what, c) in [
            ("element separator", Some(element)),
            ("repetition separator", repetition),
            ("component separator", Some(component)),
        ] {
            let Some(c) = c else { continue };
            if c.is_ascii_alphanumeric() || c.is_ascii_whitespace() {
                return Err(X12Error::InvalidDelimiters(format!("the {what} is {}", name(c))));
            }
        }
        // CR and LF are fine as terminators (one segment per line); a letter, digit,
        // space or tab would make segment IDs and values impossible to find.
        if segment.is_ascii_alphanumeric() || segment == ' ' || segment == '\t' {
            return Err(X12Error::InvalidDelimiters(format!("the segment terminator is {}", name(segment))));
        }
        let all = [Some(element), repetition, Some(component), Some(segment)];
        for (i, a) in all.iter().enumerate() {
            for b in all.iter().skip(i + 1) {
                if let (Some(a), Some(b)) = (a, b) {
                    if a == b {
                        return Err(X12Error::InvalidDelimiters(format!("{} is used for two purposes", name(*a))));
                    }
                }
            }
        }
        Ok(Self { element, repetition, component, segment })
    }

    /// Whether `c` is one of these delimiters (which data may never contain).
    pub fn contains(&self, c: char) -> bool {
        c == self.element || Some(c) == self.repetition || c == self.component || c == self.segment
    }
}

/// One segment: its ID (`EB`, `NM1`, …) and its elements, EB01 first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub elements: Vec<Element>,
}

impl Segment {
    /// The element numbered as the standard numbers it: `element(1)` is EB01.
    pub fn element(&self, n: usize) -> Option<&Element> {
        self.elements.get(n.checked_sub(1)?)
    }

    /// The first component of the first repetition of element `n`, as sent, or `""`
    /// when the segment stops before it (X12 drops trailing empty elements).
    pub fn value(&self, n: usize) -> &str {
        self.element(n).map_or("", Element::value)
    }
}

/// One element, kept both as sent and split into repetitions of components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    text: String,
    repetitions: Vec<Vec<String>>,
}

impl Element {
    /// An element that is never split (the ISA's, whose ISA11 and ISA16 *are* the
    /// separators).
    fn plain(text: &str) -> Self {
        Self { text: text.to_owned(), repetitions: vec![vec![text.to_owned()]] }
    }

    fn split(text: &str, d: &Delimiters) -> Self {
        let components = |rep: &str| rep.split(d.component).map(str::to_owned).collect::<Vec<_>>();
        let repetitions = match d.repetition {
            Some(r) => text.split(r).map(components).collect(),
            None => vec![components(text)],
        };
        Self { text: text.to_owned(), repetitions }
    }

    /// The element exactly as sent, separators included: right for free text (MSG01),
    /// where a stray `:` belongs to the message.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The first component of the first repetition: the whole value of a simple element.
    pub fn value(&self) -> &str {
        self.repetitions.first().and_then(|r| r.first()).map_or("", String::as_str)
    }

    /// Each repetition as its list of components (never empty: at least one of one).
    pub fn repetitions(&self) -> &[Vec<String>] {
        &self.repetitions
    }
}

/// Splits an interchange into segments, ISA first, using the delimiters it declares.
pub fn tokenize(input: &[u8]) -> Result<Vec<Segment>, X12Error> {
    let start = leading_noise(input);
    let rest = input.get(start..).unwrap_or_default();
    if rest.is_empty() {
        return Err(X12Error::Empty);
    }
    if !rest.starts_with(b"ISA") {
        // "IS" alone is a cut-short ISA; "PK…" or "%PDF" is some other kind of file.
        return Err(if b"ISA".starts_with(rest) {
            X12Error::TruncatedIsa { len: rest.len() }
        } else {
            X12Error::NoIsa
        });
    }
    check_fixed_width(rest)?;
    let isa: &[u8; ISA_LEN] =
        rest.get(..ISA_LEN).and_then(|h| h.try_into().ok()).ok_or(X12Error::TruncatedIsa { len: rest.len() })?;
    if !isa.is_ascii() {
        return Err(X12Error::MalformedIsa("it contains characters that are not ASCII".into()));
    }
    let delimiters = Delimiters::from_isa(isa)?;
    let mut segments = vec![isa_segment(isa, &delimiters)?];

    let body = rest.get(ISA_LEN..).unwrap_or_default();
    let body =
        std::str::from_utf8(body).map_err(|e| X12Error::NotUtf8 { offset: start + ISA_LEN + e.valid_up_to() })?;
    // Line breaks that are not the terminator carry nothing in X12 (they are outside
    // its character sets): drop them, which also re-joins files wrapped at 80 columns.
    let body: String = body.chars().filter(|&c| !((c == '\r' || c == '\n') && c != delimiters.segment)).collect();

    for raw in body.split(delimiters.segment) {
        let raw = raw.trim_start_matches([' ', '\t']);
        if raw.is_empty() {
            continue;
        }
        let mut parts = raw.split(delimiters.element);
        let id = parts.next().unwrap_or_default();
        if !is_segment_id(id) {
            return Err(X12Error::InvalidSegmentId { position: segments.len() + 1 });
        }
        let elements = parts.map(|e| Element::split(e, &delimiters)).collect();
        segments.push(Segment { id: id.to_owned(), elements });
    }
    Ok(segments)
}

/// How many bytes of byte-order mark and whitespace precede the ISA.
fn leading_noise(input: &[u8]) -> usize {
    let bom = if input.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let rest = input.get(bom..).unwrap_or_default();
    bom + rest.iter().take_while(|b| b.is_ascii_whitespace()).count()
}

/// Refuses an ISA whose elements are not padded to their widths, before its delimiters
/// are read from the fixed positions: otherwise a file whose ISA06 was trimmed was said
/// to declare unusable delimiters (a line break as component separator), which sends
/// staff after the wrong problem. The element separator is the one byte that is always in place
/// (right after `ISA`); counting 16 of them finds where the ISA really ends.
fn check_fixed_width(rest: &[u8]) -> Result<(), X12Error> {
    let Some(&separator) = rest.get(3) else { return Ok(()) };
    // A letter or space there is not a separator: `from_isa` says so.
    if separator.is_ascii_alphanumeric() || separator.is_ascii_whitespace() {
        return Ok(());
    }
    // Positions of the separators before ISA01..=ISA16, looked for no further than the
    // widest ISA a payer could plausibly have sent, and not past a line break.
    let line = rest.iter().take(2 * ISA_LEN).take_while(|&&b| b != b'\n' && b != b'\r');
    let starts: Vec<usize> = line.enumerate().filter(|&(_, &b)| b == separator).map(|(i, _)| i).take(16).collect();
    if starts.len() < 16 {
        // Cut short or not an ISA at all: the length and width checks say which.
        return Ok(());
    }
    // ISA16 is one character after the 16th separator, and the terminator follows it.
    let len = starts.last().map_or(0, |last| last + 3);
    if len == ISA_LEN {
        return Ok(());
    }
    let widths = starts.windows(2).map(|w| w[1] - w[0] - 1).chain([1]);
    let (element, (found, width)) = widths
        .zip(ISA_WIDTHS)
        .enumerate()
        .find(|(_, (found, width))| found != width)
        .map_or((16, (1, 1)), |(i, pair)| (i + 1, pair));
    Err(X12Error::IsaNotFixedWidth { len, element, width, found })
}

/// Checks the ISA is fixed-width, element by element, and returns it unsplit.
fn isa_segment(isa: &[u8; ISA_LEN], d: &Delimiters) -> Result<Segment, X12Error> {
    // ISA01..ISA16 without the terminator; ASCII was checked, so this cannot fail.
    let text = std::str::from_utf8(isa.get(..ISA_LEN - 1).unwrap_or_default())
        .map_err(|_| X12Error::MalformedIsa("it contains characters that are not ASCII".into()))?;
    let mut parts = text.split(d.element);
    parts.next(); // "ISA", checked by the caller
    let fields: Vec<&str> = parts.collect();
    if fields.len() != ISA_WIDTHS.len() {
        return Err(X12Error::MalformedIsa(format!(
            "it should have 16 elements of fixed width, but {:?} splits it into {}",
            d.element,
            fields.len()
        )));
    }
    for (i, (field, width)) in fields.iter().zip(ISA_WIDTHS).enumerate() {
        if field.len() != width {
            return Err(X12Error::MalformedIsa(format!(
                "ISA{:02} should be {width} characters wide but is {}",
                i + 1,
                field.len()
            )));
        }
    }
    Ok(Segment { id: "ISA".into(), elements: fields.into_iter().map(Element::plain).collect() })
}

/// Segment IDs are two or three upper-case letters and digits, starting with a letter.
fn is_segment_id(id: &str) -> bool {
    let b = id.as_bytes();
    (2..=3).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str =
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261123*1200*^*00501*000000001*0*T*:~";

    #[test]
    fn isa_is_106_characters() {
        assert_eq!(ISA.len(), ISA_LEN);
    }

    #[test]
    fn splits_repetitions_and_components() {
        let text = format!("{ISA}\r\nEB*1*IND*30^1^33*A:B~\nIEA*1*000000001");
        let segs = tokenize(text.as_bytes()).unwrap();
        assert_eq!(segs.len(), 3);
        let eb = &segs[1];
        assert_eq!(eb.id, "EB");
        assert_eq!(eb.value(1), "1");
        let types: Vec<&str> = eb.element(3).unwrap().repetitions().iter().map(|r| r[0].as_str()).collect();
        assert_eq!(types, ["30", "1", "33"]);
        assert_eq!(eb.element(4).unwrap().repetitions()[0], ["A", "B"]);
        assert_eq!(eb.element(4).unwrap().text(), "A:B");
        assert_eq!(eb.value(9), "");
        assert_eq!(eb.value(0), "");
        assert_eq!(segs[0].value(11), "^");
        assert_eq!(segs[0].value(16), ":");
    }

    #[test]
    fn refuses_short_and_foreign_input() {
        assert_eq!(tokenize(b""), Err(X12Error::Empty));
        assert_eq!(tokenize(b" \r\n"), Err(X12Error::Empty));
        assert_eq!(tokenize(b"IS"), Err(X12Error::TruncatedIsa { len: 2 }));
        assert_eq!(tokenize(b"%PDF-1.4"), Err(X12Error::NoIsa));
        assert_eq!(tokenize(&ISA.as_bytes()[..50]), Err(X12Error::TruncatedIsa { len: 50 }));
    }

    #[test]
    fn an_isa_that_is_not_fixed_width_is_named_as_such_not_as_bad_delimiters() {
        // A payer that trims the padding of ISA06 and ISA08: the ISA is 90 characters
        // long, so byte 106 is inside the GS and the old reading blamed the delimiters.
        let trimmed = ISA.replace("SENDER         ", "SENDER").replace("RECEIVER       ", "RECEIVER");
        let text = format!("{trimmed}GS*HB*SENDER*RECEIVER*20261123*1200*1*X*005010X279A1~");
        let error = tokenize(text.as_bytes()).unwrap_err();
        assert_eq!(error, X12Error::IsaNotFixedWidth { len: 90, element: 6, width: 15, found: 6 });
        let message = error.to_string();
        assert!(message.contains("not fixed width") && message.contains("90 characters long, not 106"), "{message}");
        assert!(message.contains("ISA06 is 6 characters wide where the standard requires 15"), "{message}");
        assert!(!message.contains("unusable delimiters"), "{message}");
        // One character too many (a 16-character ISA06) is named the same way.
        let wide = ISA.replace("SENDER         ", "SENDER          ");
        let error = tokenize(format!("{wide}IEA*1*000000001~").as_bytes()).unwrap_err();
        assert_eq!(error, X12Error::IsaNotFixedWidth { len: 107, element: 6, width: 15, found: 16 });
    }

    #[test]
    fn refuses_an_isa_whose_widths_are_wrong() {
        // Same total length, so the delimiters are still found, but ISA06 is one short.
        let shifted = ISA.replace("SENDER         ", "SENDER        ").replace("RECEIVER       ", "RECEIVER        ");
        assert_eq!(
            tokenize(shifted.as_bytes()),
            Err(X12Error::MalformedIsa("ISA06 should be 15 characters wide but is 14".into()))
        );
    }
}
