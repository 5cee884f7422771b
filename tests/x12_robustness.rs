//! The X12 eligibility module against `x12-eligibility.md`: malformed 271s give a clear
//! error that names what is wrong and never repeats patient text, and no input makes the
//! parser panic (property tests and an ignored one-million input fuzz run:
//! `cargo test --release --features ssr --test x12_robustness -- --ignored --nocapture`).
//! Reading well-formed 271s: `x12_parse271.rs`.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::x12::*;
use pain_intake::x12::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Reading a 271: malformed input gives a clear error
// ---------------------------------------------------------------------------------------

#[test]
fn malformed_input_gives_a_clear_error() {
    let good = std::str::from_utf8(REJECTED_72).unwrap();
    let cases: Vec<(Vec<u8>, X12Error)> = vec![
        (b"".to_vec(), X12Error::Empty),
        (b"\r\n\t ".to_vec(), X12Error::Empty),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3".to_vec(), X12Error::NoIsa),
        (b"ISA*00*    ".to_vec(), X12Error::TruncatedIsa { len: 11 }),
        (
            good.replacen("*:~", "***", 1).into_bytes(),
            X12Error::InvalidDelimiters("'*' is used for two purposes".into()),
        ),
        (
            good.replacen("*:~", "*A~", 1).into_bytes(),
            X12Error::InvalidDelimiters("the component separator is 'A'".into()),
        ),
        ([&REJECTED_72[..200], b"\xff\xfe", &REJECTED_72[200..]].concat(), X12Error::NotUtf8 { offset: 200 }),
        (good.replace("NM1*IL", "nm1*IL").into_bytes(), X12Error::InvalidSegmentId { position: 11 }),
        (good.replace("ST*271*0001*005010X279A1~", "").into_bytes(), X12Error::NoTransaction),
        (good.replace("ST*271", "ST*999").into_bytes(), X12Error::NotA271 { found: Some("999".into()) }),
        (
            good.replace("GE*1*372~", "").into_bytes(),
            X12Error::UnexpectedSegment { position: 15, id: "IEA".into(), expected: "GE" },
        ),
        (
            good.replace("SE*12", "SE*13").into_bytes(),
            X12Error::SegmentCount { declared: Some("13".into()), actual: 12 },
        ),
        (good.replace("SE*12", "SE*").into_bytes(), X12Error::SegmentCount { declared: None, actual: 12 }),
        (
            good.replace("SE*12*0001", "SE*12*0002").into_bytes(),
            X12Error::ControlNumberMismatch {
                segment: "SE",
                expected: Some("0001".into()),
                found: Some("0002".into()),
            },
        ),
        (
            good.replace("IEA*1*000000372", "IEA*1*000000373").into_bytes(),
            X12Error::ControlNumberMismatch {
                segment: "IEA",
                expected: Some("000000372".into()),
                found: Some("000000373".into()),
            },
        ),
        (
            (good.to_owned() + "IEA*1*000000372~").into_bytes(),
            X12Error::UnexpectedSegment { position: 17, id: "IEA".into(), expected: "the end of the interchange" },
        ),
        (
            good.replace("DMG*D8*19800402~", "HL*4*2*22*0~").into_bytes(),
            X12Error::MultipleSubjects { level: "subscriber" },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_271(&input), Err(expected), "{:?}", String::from_utf8_lossy(&input));
    }
}

/// The reader's messages are shown to staff and may be logged: they name segments,
/// positions and counts, and never repeat text from the file that could be a patient's.
#[test]
fn error_messages_never_repeat_patient_text_from_the_file() {
    let good = std::str::from_utf8(REJECTED_72).unwrap();
    let cases = [
        // A stray terminator inside the name: "JANE****MI*…" is read as a segment.
        good.replace("NM1*IL*1*DOE*JANE", "NM1*IL*1*DOE~JANE"),
        // Shifted elements: a name lands where numbers are expected.
        good.replace("ST*271*0001", "ST*JANE DOE*0001"),
        good.replace("SE*12*0001", "SE*JANE*DOE"),
        good.replace("IEA*1*000000372", "IEA*1*XYZ12345678"),
    ];
    for input in cases {
        let message = parse_271(input.as_bytes()).unwrap_err().to_string();
        for phi in ["JANE", "DOE", "XYZ12345678"] {
            assert!(!message.contains(phi), "{message}");
        }
    }
    // Numbers are still named, which is what staff need to tell the payer.
    let message = parse_271(good.replace("SE*12", "SE*172").as_bytes()).unwrap_err().to_string();
    assert_eq!(message, "SE01 says the transaction has 172 segments, but it has 12");
}

#[test]
fn an_isa_that_is_not_padded_to_fixed_width_is_named_as_such() {
    // The payer trimmed the padding of ISA06 (the sender ID).
    let good = std::str::from_utf8(REJECTED_72).unwrap();
    let trimmed = good.replacen("CLEARINGHOUSE  *", "CLEARINGHOUSE*", 1);
    let message = parse_271(trimmed.as_bytes()).unwrap_err().to_string();
    assert!(message.contains("not fixed width") && message.contains("ISA06"), "{message}");
    assert!(!message.contains("unusable delimiters"), "the delimiters are not the problem: {message}");
}

#[test]
fn a_cut_short_file_is_refused_rather_than_half_read() {
    // Cut anywhere, the active response must never come back as a partial success.
    // (Only the final "~\n" may go: a missing last terminator is tolerated.)
    assert!(ACTIVE_CIGNA.ends_with(b"IEA*1*000004711~\n"));
    assert!(parse_271(&ACTIVE_CIGNA[..ACTIVE_CIGNA.len() - 2]).is_ok());
    for cut in 0..ACTIVE_CIGNA.len() - 2 {
        let result = parse_271(&ACTIVE_CIGNA[..cut]);
        assert!(result.is_err(), "cut at {cut} parsed: {result:?}");
    }
    assert_eq!(
        parse_271(&ACTIVE_CIGNA[..ACTIVE_CIGNA.len() - 5]),
        Err(X12Error::ControlNumberMismatch {
            segment: "IEA",
            expected: Some("000004711".into()),
            found: Some("000004".into()),
        })
    );
    let no_trailer = &ACTIVE_CIGNA[..ACTIVE_CIGNA.len() - "SE*38*0001~\nGE*1*4711~\nIEA*1*000004711~\n".len()];
    assert_eq!(parse_271(no_trailer), Err(X12Error::Incomplete { missing: "SE" }));
}

#[test]
fn error_messages_say_what_is_wrong_in_words() {
    let message = |input: &[u8]| parse_271(input).unwrap_err().to_string();
    assert_eq!(message(b""), "the input is empty");
    assert_eq!(message(b"hello"), "the input does not start with an ISA segment, so it is not an X12 interchange");
    assert_eq!(message(&REJECTED_72[..60]), "the ISA segment is cut short: it has 60 of its 106 characters");
    assert_eq!(
        message(std::str::from_utf8(REJECTED_72).unwrap().replace("SE*12", "SE*10").as_bytes()),
        "SE01 says the transaction has 10 segments, but it has 12"
    );
    assert_eq!(message(SUBSCRIBER_270.as_bytes()), "the transaction is a 270, not a 271 eligibility response");
}

// ---------------------------------------------------------------------------------------
// Robustness: no input makes the parser panic
// ---------------------------------------------------------------------------------------

/// One corruption of an input.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
    Truncate { at: usize },
    DuplicateSegment { index: usize },
    DeleteSegment { index: usize },
    SwapSegments { a: usize, b: usize },
}

/// Bytes that matter to X12: all the delimiters in use, line breaks, digits, letters
/// of segment IDs, and bytes that break UTF-8.
const INTERESTING: &[u8] = b"*~:^|>!\r\n 0123456789ABEGHILMNSTY.-\x00\xc3\xa9\xff";

/// Segment boundaries: after each `~` or line feed.
fn segment_spans(input: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &b) in input.iter().enumerate() {
        if b == b'~' || b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < input.len() {
        spans.push((start, input.len()));
    }
    spans
}

fn apply(input: &mut Vec<u8>, mutation: &Mutation) {
    let len = input.len();
    let pos = |at: usize| if len == 0 { 0 } else { at % len };
    match *mutation {
        Mutation::Flip { at, bit } if len > 0 => input[pos(at)] ^= 1 << (bit % 8),
        Mutation::Set { at, byte } if len > 0 => input[pos(at)] = byte,
        Mutation::Insert { at, byte } => input.insert(at % (len + 1), byte),
        Mutation::Delete { at, len: n } if len > 0 => {
            let start = pos(at);
            input.drain(start..(start + n).min(len));
        }
        Mutation::Truncate { at } => input.truncate(at % (len + 1)),
        Mutation::DuplicateSegment { index } | Mutation::DeleteSegment { index } => {
            let spans = segment_spans(input);
            if spans.is_empty() {
                return;
            }
            let (s, e) = spans[index % spans.len()];
            if matches!(mutation, Mutation::DuplicateSegment { .. }) {
                let copy = input[s..e].to_vec();
                input.splice(e..e, copy);
            } else {
                input.drain(s..e);
            }
        }
        Mutation::SwapSegments { a, b } => {
            let spans = segment_spans(input);
            if spans.len() < 2 {
                return;
            }
            let (mut x, mut y) = (spans[a % spans.len()], spans[b % spans.len()]);
            if x.0 > y.0 {
                std::mem::swap(&mut x, &mut y);
            }
            if x == y {
                return;
            }
            let swapped = [&input[..x.0], &input[y.0..y.1], &input[x.1..y.0], &input[x.0..x.1], &input[y.1..]].concat();
            *input = swapped;
        }
        _ => {}
    }
}

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![any::<u8>(), prop::sample::select(INTERESTING)]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0..4096usize;
    prop_oneof![
        (at.clone(), 0..8u8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (at.clone(), byte()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        (at.clone(), byte()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (at.clone(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        at.clone().prop_map(|at| Mutation::Truncate { at }),
        (0..64usize).prop_map(|index| Mutation::DuplicateSegment { index }),
        (0..64usize).prop_map(|index| Mutation::DeleteSegment { index }),
        (0..64usize, 0..64usize).prop_map(|(a, b)| Mutation::SwapSegments { a, b }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(input in prop::collection::vec(byte(), 0..400)) {
        let _ = parse_271(&input);
    }

    /// A valid ISA gets past the delimiter checks, so the rest is really tokenized.
    #[test]
    fn a_valid_isa_then_random_bytes_never_panic(tail in prop::collection::vec(byte(), 0..400)) {
        let input = [ISA_271.as_bytes(), &tail].concat();
        let _ = parse_271(&input);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..FIXTURES.len(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let mut input = FIXTURES[which].to_vec();
        for m in &mutations {
            apply(&mut input, m);
        }
        let _ = parse_271(&input);
    }

    /// Segment-level changes with a corrected SE count reach the loop reader, which
    /// byte-level corruption mostly cannot (the envelope check refuses it first).
    #[test]
    fn reshuffled_responses_never_panic(seed in any::<u64>()) {
        let input = reshuffled_response(&mut Rng(seed | 1));
        let _ = parse_271(&input);
    }
}

/// A small deterministic generator (xorshift64*), so a failing run can be repeated
/// from its seed without extra crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn byte(&mut self) -> u8 {
        if self.below(2) == 0 {
            self.pick(INTERESTING)
        } else {
            self.next() as u8
        }
    }
}

/// Segments and element values that stress the loop reader.
const SEGMENT_POOL: &[&str] = &[
    "HL*9*3*22*0",
    "HL*9*3*23*0",
    "HL*9**20*1",
    "HL*9*1*21*1",
    "HL",
    "HL*9*3*ZZ",
    "EB*1",
    "EB*6*IND*30",
    "EB*B*IND*98***27*abc*9999999999****Y",
    "EB*A****1e400*NaN",
    "EB*C*FAM*^^^*:::*23*-",
    "MSG*X",
    "MSG",
    "AAA*N**72*C",
    "AAA",
    "AAA*Y**42*R*EXTRA",
    "LS*2120",
    "LE*2120",
    "LS",
    "NM1*IL*1*A*B****MI*1",
    "NM1*PR",
    "NM1",
    "NM1*03*1*X",
    "DTP*346*D8*20260230",
    "DTP*291*RD8*20260101-",
    "DTP*291*RD8*-",
    "DTP*347*D8*99991231",
    "DTP*356*D8*00000000",
    "TRN*2",
    "TRN*1*X",
    "TRN",
    "DMG*D8*1",
    "DMG",
    "REF*6P*:",
    "EQ*30",
    "III*ZZ*21",
    "SE*1*0001",
    "ST*271*0001",
    "GE*1*1",
    "IEA*1*1",
];
const VALUE_POOL: &[&str] = &[
    "",
    "-",
    ".",
    "..",
    "0",
    "1",
    "6",
    "23",
    "27",
    "29",
    "Y",
    "N",
    "U",
    "W",
    "IND",
    "20261301",
    "20260101",
    "20260101-20261231",
    "99999999999999999999999999999",
    "-0.5",
    ".2",
    "200",
    "^^",
    "::",
    "30^1^33",
    "A:B:C",
];

/// One of the `*`-delimited fixtures with segments duplicated, dropped, moved, inserted
/// from [`SEGMENT_POOL`] or given values from [`VALUE_POOL`], then re-enveloped with a
/// correct SE01 so that the body is what gets exercised.
fn reshuffled_response(rng: &mut Rng) -> Vec<u8> {
    let standard = [ACTIVE_CIGNA, ACTIVE_BCBS_DEPENDENT, INACTIVE_UHC, REJECTED_72, REJECTED_75, REJECTED_42];
    let text = std::str::from_utf8(rng.pick(&standard)).unwrap();
    let segments: Vec<String> = text.split('~').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    let st = segments.iter().position(|s| s.starts_with("ST*")).unwrap();
    let se = segments.iter().position(|s| s.starts_with("SE*")).unwrap();
    let mut body: Vec<String> = segments[st + 1..se].to_vec();
    for _ in 0..1 + rng.below(6) {
        let i = rng.below(body.len());
        match rng.below(6) {
            0 if !body.is_empty() => {
                let copy = body[i].clone();
                body.insert(i, copy);
            }
            1 if !body.is_empty() => {
                body.remove(i);
            }
            2 if !body.is_empty() => {
                let j = rng.below(body.len());
                body.swap(i, j);
            }
            3 => body.insert(i.min(body.len()), rng.pick(SEGMENT_POOL).to_string()),
            4 if !body.is_empty() => {
                let mut elements: Vec<String> = body[i].split('*').map(str::to_owned).collect();
                let e = 1 + rng.below(elements.len() + 3);
                elements.resize(elements.len().max(e + 1), String::new());
                elements[e] = rng.pick(VALUE_POOL).to_string();
                body[i] = elements.join("*");
            }
            _ if !body.is_empty() => {
                // A few random bytes inside one segment (kept as text).
                let mut bytes = body[i].clone().into_bytes();
                let at = rng.below(bytes.len() + 1);
                bytes.insert(at, rng.byte());
                body[i] = String::from_utf8_lossy(&bytes).into_owned();
            }
            _ => {}
        }
    }
    let mut out: Vec<String> = segments[..=st].to_vec();
    let count = body.len() + 2;
    out.extend(body);
    out.push(format!("SE*{count}*{}", segments[se].split('*').nth(2).unwrap_or("0001")));
    out.extend(segments[se + 1..].iter().cloned());
    (out.join("~") + "~").into_bytes()
}

/// One input for the long fuzz run: a mix of pure noise, noise behind a valid ISA,
/// byte-level corruptions of every fixture, and segment-level reshuffles.
fn fuzz_input(rng: &mut Rng) -> Vec<u8> {
    match rng.below(100) {
        0..=4 => (0..rng.below(300)).map(|_| rng.byte()).collect(),
        5..=14 => {
            let mut input = ISA_271.as_bytes().to_vec();
            for _ in 0..rng.below(400) {
                input.push(rng.byte());
            }
            input
        }
        15..=44 => reshuffled_response(rng),
        _ => {
            let mut input = rng.pick(&FIXTURES).to_vec();
            for _ in 0..1 + rng.below(8) {
                let at = rng.next() as usize;
                let mutation = match rng.below(8) {
                    0 => Mutation::Flip { at, bit: rng.below(8) as u8 },
                    1 => Mutation::Set { at, byte: rng.byte() },
                    2 => Mutation::Insert { at, byte: rng.byte() },
                    3 => Mutation::Delete { at, len: 1 + rng.below(40) },
                    4 => Mutation::Truncate { at },
                    5 => Mutation::DuplicateSegment { index: at },
                    6 => Mutation::DeleteSegment { index: at },
                    _ => Mutation::SwapSegments { a: at, b: rng.next() as usize },
                };
                apply(&mut input, &mutation);
            }
            input
        }
    }
}

#[test]
fn the_fuzz_generator_reaches_both_outcomes() {
    // A smoke run of the generator used below, so the ignored test is known to work.
    let mut rng = Rng(0x5EED);
    let (mut ok, mut err) = (0, 0);
    for _ in 0..3000 {
        match parse_271(&fuzz_input(&mut rng)) {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }
    assert!(ok > 100 && err > 100, "ok {ok}, err {err}");
}

#[test]
#[ignore = "long: run with --release -- --ignored --nocapture"]
fn fuzz_one_million_inputs() {
    const RUNS: usize = 1_000_000;
    let started = std::time::Instant::now();
    let mut rng = Rng(0x2710_2026_1123_0001);
    let mut ok = 0usize;
    for i in 0..RUNS {
        let input = fuzz_input(&mut rng);
        match std::panic::catch_unwind(|| parse_271(&input)) {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(_)) => {}
            Err(_) => panic!("input {i} panicked: {:?}", String::from_utf8_lossy(&input)),
        }
    }
    println!(
        "fuzz_one_million_inputs: ran {RUNS} inputs, {ok} parsed Ok, {} gave an error, no panic, in {:.1?}",
        RUNS - ok,
        started.elapsed()
    );
}
