//! Reading a 271 eligibility response into what front-desk staff need: is the patient
//! covered, by which plan, what will the visit cost, and if the payer refused to
//! answer, what to do about it.
//!
//! The output is the JSON of `intake-v1.md` ("`x12 parse-271` output"), field for field.
//!
//! The envelope is checked strictly (one ST/SE transaction whose SE01 count and control
//! numbers match, closed by GE and IEA) because a cut-short file could otherwise show
//! "active" while its rejection or most of its benefits were lost. Inside the
//! transaction the reader is tolerant: unknown segments are skipped, and a bad date,
//! amount or code becomes `null` rather than an error, so one payer quirk does not hide
//! the rest of the answer.
//!
//! Loops are found the way the TR3 nests them: each `HL` opens a level (`20` payer,
//! `21` provider, `22` subscriber, `23` dependent), its `NM1` opens the 2100 name loop,
//! each `EB` opens a 2110 benefit loop that its `MSG` lines belong to, and `LS`…`LE`
//! encloses 2120 related-entity loops (a PCP, another payer) whose `NM1` must not be
//! mistaken for the subscriber.

use super::error::digits;
use super::tokenizer::{tokenize, Segment};
use super::{parse_d8, X12Error};
use jiff::civil::Date;
use serde::Serialize;

/// A parsed 271.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eligibility {
    pub status: Status,
    /// TRN02 of the trace the payer echoes from our inquiry (TRN01 `2`, "referenced
    /// transaction"): the compact intake reference we sent in the 270. `None` when no
    /// echo came, even if the payer sent a trace of its own: that one names the
    /// payer's transaction, not our intake, and showing it here once made a Medicaid
    /// reply look like it answered the wrong patient.
    pub trace: Option<String>,
    /// TRN02 of the payer's own trace (TRN01 `1`, "current transaction"): the number
    /// to quote when calling the payer about this response. Not in `intake-v1.md`'s
    /// contract; added after it, and never used to tie a response to an intake.
    pub payer_trace: Option<String>,
    pub payer: PayerInfo,
    pub subscriber: SubscriberInfo,
    pub plan: PlanInfo,
    pub benefits: Vec<Benefit>,
    pub rejections: Vec<Rejection>,
}

/// The overall answer, by the rules of `intake-v1.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An `EB*1` (active coverage) is present, whatever else is.
    Active,
    /// An `EB*6` and no `EB*1`, and no `AAA`.
    Inactive,
    /// An `AAA` and no `EB*1`.
    Rejected,
    /// None of the above: staff should call the payer.
    Unknown,
}

/// The information source (2100A).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PayerInfo {
    pub name: Option<String>,
    pub id: Option<String>,
}

/// The subscriber as the payer knows them (2100C).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubscriberInfo {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub member_id: Option<String>,
    pub date_of_birth: Option<Date>,
}

/// The plan: its name from EB05, its dates from 2100C/2100D `DTP`s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanInfo {
    pub name: Option<String>,
    pub begin: Option<Date>,
    pub end: Option<Date>,
}

/// One `EB` segment and the `MSG` lines that follow it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Benefit {
    /// EB01 as sent (empty if the payer left it out).
    pub code: String,
    pub kind: BenefitKind,
    /// EB02 coverage level (`IND`, `FAM`, …).
    pub level: Option<String>,
    /// EB03, one entry per repetition.
    pub service_types: Vec<String>,
    /// EB12: the network this benefit applies to (not whether the clinic is in it).
    pub network: Option<Network>,
    /// EB06.
    pub period: Option<Period>,
    /// EB07, in dollars.
    pub amount: Option<f64>,
    /// EB08 as a fraction: `0.2` is 20 %.
    pub percent: Option<f64>,
    /// EB11.
    pub auth_required: Option<bool>,
    pub messages: Vec<String>,
}

/// EB01, named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitKind {
    Active,
    Inactive,
    Coinsurance,
    Copay,
    Deductible,
    OutOfPocket,
    NonCovered,
    Limitation,
    Other,
}

impl BenefitKind {
    fn from_code(code: &str) -> Self {
        match code {
            "1" => Self::Active,
            "6" => Self::Inactive,
            "A" => Self::Coinsurance,
            "B" => Self::Copay,
            "C" => Self::Deductible,
            "G" => Self::OutOfPocket,
            "I" => Self::NonCovered,
            "F" => Self::Limitation,
            _ => Self::Other,
        }
    }
}

/// EB12, "in plan network".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    In,
    Out,
    Unknown,
    NotApplicable,
}

impl Network {
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "Y" => Some(Self::In),
            "N" => Some(Self::Out),
            "U" => Some(Self::Unknown),
            "W" => Some(Self::NotApplicable),
            _ => None,
        }
    }
}

/// EB06, the time period an amount applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    CalendarYear,
    Remaining,
    Visit,
    Other,
}

impl Period {
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "" => None,
            "23" => Some(Self::CalendarYear),
            "29" => Some(Self::Remaining),
            "27" => Some(Self::Visit),
            _ => Some(Self::Other),
        }
    }
}

/// One `AAA`: the payer refused to answer at some level, and what staff should do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    #[serde(rename = "loop")]
    pub loop_id: LoopId,
    /// AAA03, the reject reason, as sent.
    pub code: String,
    /// AAA04: `C` correct and resubmit, `N` do not resubmit, `R` resubmit.
    pub follow_up: Option<String>,
    pub action: &'static str,
}

/// The TR3 loop an `AAA` was found in, which says what the payer objected to: itself
/// (2000A/2100A), the clinic (2100B), the subscriber (2100C), the dependent (2100D), or
/// one service type (2110C/2110D).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LoopId {
    #[serde(rename = "2000A")]
    L2000A,
    #[serde(rename = "2100A")]
    L2100A,
    #[serde(rename = "2000B")]
    L2000B,
    #[serde(rename = "2100B")]
    L2100B,
    #[serde(rename = "2000C")]
    L2000C,
    #[serde(rename = "2100C")]
    L2100C,
    #[serde(rename = "2110C")]
    L2110C,
    #[serde(rename = "2000D")]
    L2000D,
    #[serde(rename = "2100D")]
    L2100D,
    #[serde(rename = "2110D")]
    L2110D,
    /// Before any HL, or under an HL level code this reader does not know.
    #[serde(rename = "unknown")]
    Unknown,
}

/// What staff should do about an AAA03 reject reason. Codes not listed in
/// `x12-eligibility.md` get a generic instruction rather than a guess.
pub fn action_for(code: &str) -> &'static str {
    match code {
        "15" => "Some required details were missing: complete the patient's name, date of birth and member ID, then resubmit.",
        "42" => "The payer cannot answer right now: try again later.",
        "43" => "The payer does not recognise the clinic's provider ID: tell an admin to check the NPI and the clinic's enrollment with this payer.",
        "58" => "Check the date of birth with the patient and resubmit.",
        "65" => "Check the patient's name as printed on the card and resubmit.",
        "67" => "The payer cannot find this patient: check the name, date of birth and member ID on the card, then resubmit.",
        "72" => "Check the member ID on the card and resubmit.",
        "73" => "Check the subscriber's name as printed on the card and resubmit.",
        "75" => "The payer cannot find the subscriber: check the member ID, name and date of birth on the card; for a Blue Cross Blue Shield card, also check that it was issued by the Texas plan, as another state's plan must be asked instead.",
        "76" => "The member ID matches more than one person at the payer: call the payer to confirm which record is the patient's.",
        _ => "Call the payer to find out why the request was rejected before resubmitting.",
    }
}

/// Parses a 271 interchange holding one transaction. The trace is the first one the
/// payer echoes (TRN01 `2`); see [`parse_271_for`] when the originator is known.
pub fn parse_271(input: &[u8]) -> Result<Eligibility, X12Error> {
    read_271(input, None)
}

/// Parses a 271 answering an inquiry we sent with `originator_id` in TRN03. A
/// clearinghouse may add a trace of its own to the 270, and the payer echoes both: the
/// trace is the echo carrying our originator, else the first echo.
pub fn parse_271_for(input: &[u8], originator_id: &str) -> Result<Eligibility, X12Error> {
    read_271(input, Some(originator_id))
}

fn read_271(input: &[u8], originator_id: Option<&str>) -> Result<Eligibility, X12Error> {
    let segments = tokenize(input)?;
    let body = transaction_body(&segments)?;
    let mut reader = Reader::default();
    for segment in body {
        reader.read(segment)?;
    }
    Ok(reader.finish(originator_id))
}

/// Checks the envelope ISA, GS, ST … SE, GE, IEA and returns the segments between ST
/// and SE.
fn transaction_body(segments: &[Segment]) -> Result<&[Segment], X12Error> {
    match segments.iter().filter(|s| s.id == "ST").count() {
        0 => return Err(X12Error::NoTransaction),
        1 => {}
        count => return Err(X12Error::MultipleTransactions { count }),
    }
    let isa = expect(segments, 0, "ISA")?;
    // A TA1 (interchange acknowledgment) may precede the functional group.
    let mut pos = 1 + segments.iter().skip(1).take_while(|s| s.id == "TA1").count();
    let gs = expect(segments, pos, "GS")?;
    pos += 1;
    let st_pos = pos;
    let st = expect(segments, st_pos, "ST")?;
    let kind = st.value(1).trim();
    if kind != "271" {
        return Err(X12Error::NotA271 { found: digits(kind) });
    }
    let se_pos = segments
        .iter()
        .enumerate()
        .skip(st_pos)
        .find(|(_, s)| s.id == "SE")
        .map(|(i, _)| i)
        .ok_or(X12Error::Incomplete { missing: "SE" })?;
    let se = expect(segments, se_pos, "SE")?;
    let actual = se_pos - st_pos + 1;
    let declared = se.value(1).trim();
    if declared.parse::<usize>().ok() != Some(actual) {
        return Err(X12Error::SegmentCount { declared: digits(declared), actual });
    }
    same_control_number("SE", st.value(2), se.value(2))?;
    let ge = expect(segments, se_pos + 1, "GE")?;
    same_control_number("GE", gs.value(6), ge.value(2))?;
    let iea = expect(segments, se_pos + 2, "IEA")?;
    same_control_number("IEA", isa.value(13), iea.value(2))?;
    if let Some(extra) = segments.get(se_pos + 3) {
        return Err(X12Error::UnexpectedSegment {
            position: se_pos + 4,
            id: extra.id.clone(),
            expected: "the end of the interchange",
        });
    }
    Ok(segments.get(st_pos + 1..se_pos).unwrap_or_default())
}

fn expect<'a>(segments: &'a [Segment], pos: usize, id: &'static str) -> Result<&'a Segment, X12Error> {
    match segments.get(pos) {
        Some(s) if s.id == id => Ok(s),
        Some(s) => Err(X12Error::UnexpectedSegment { position: pos + 1, id: s.id.clone(), expected: id }),
        None => Err(X12Error::Incomplete { missing: id }),
    }
}

/// Control numbers match as numbers when both are numeric (`000000101` and `101`
/// are the same interchange), otherwise as text.
fn same_control_number(segment: &'static str, expected: &str, found: &str) -> Result<(), X12Error> {
    let (e, f) = (expected.trim(), found.trim());
    let same = match (e.parse::<u64>(), f.parse::<u64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => e == f,
    };
    if same {
        Ok(())
    } else {
        Err(X12Error::ControlNumberMismatch { segment, expected: digits(e), found: digits(f) })
    }
}

/// The HL level the reader is in (HL03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Level {
    #[default]
    None,
    Source,
    Receiver,
    Subscriber,
    Dependent,
    Other,
}

/// Where in the level's loops the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Stage {
    /// Right after the HL (2000x).
    #[default]
    Level,
    /// After the level's NM1 (2100x).
    Name,
    /// After an EB (2110x).
    Benefit,
}

impl LoopId {
    fn at(level: Level, stage: Stage) -> Self {
        use {Level as L, Stage as S};
        match (level, stage) {
            (L::Source, S::Level) => Self::L2000A,
            (L::Source, _) => Self::L2100A,
            (L::Receiver, S::Level) => Self::L2000B,
            (L::Receiver, _) => Self::L2100B,
            (L::Subscriber, S::Level) => Self::L2000C,
            (L::Subscriber, S::Name) => Self::L2100C,
            (L::Subscriber, S::Benefit) => Self::L2110C,
            (L::Dependent, S::Level) => Self::L2000D,
            (L::Dependent, S::Name) => Self::L2100D,
            (L::Dependent, S::Benefit) => Self::L2110D,
            (L::None | L::Other, _) => Self::Unknown,
        }
    }
}

/// A `TRN`: TRN01 (`1` the sender's own trace, `2` one echoed from the inquiry), the
/// trace number and TRN03, who assigned it.
struct Trace {
    kind: String,
    number: String,
    originator: String,
}

/// A `DTP` from a 2100C or 2100D loop.
struct DateSpan {
    qualifier: String,
    first: Option<Date>,
    /// The end of an `RD8` range (`CCYYMMDD-CCYYMMDD`).
    last: Option<Date>,
}

#[derive(Default)]
struct Reader {
    level: Level,
    stage: Stage,
    /// Inside `LS`…`LE`: 2120 loops about other parties, skipped entirely.
    in_related: bool,
    seen_subscriber: bool,
    seen_dependent: bool,
    payer: Option<PayerInfo>,
    subscriber: Option<SubscriberInfo>,
    /// Every TRN in order.
    traces: Vec<Trace>,
    dates: Vec<DateSpan>,
    benefits: Vec<Benefit>,
    /// EB05 of the first active-coverage EB that has one, and of the first EB at all.
    active_plan_name: Option<String>,
    any_plan_name: Option<String>,
    rejections: Vec<Rejection>,
}

impl Reader {
    fn read(&mut self, seg: &Segment) -> Result<(), X12Error> {
        if self.in_related {
            self.in_related = seg.id != "LE";
            return Ok(());
        }
        match seg.id.as_str() {
            "HL" => self.open_level(seg.value(3).trim())?,
            "NM1" => {
                self.stage = Stage::Name;
                match self.level {
                    Level::Source if self.payer.is_none() => {
                        self.payer = Some(PayerInfo { name: text(seg, 3), id: text(seg, 9) });
                    }
                    Level::Subscriber if self.subscriber.is_none() => {
                        self.subscriber = Some(SubscriberInfo {
                            last_name: text(seg, 3),
                            first_name: text(seg, 4),
                            member_id: text(seg, 9),
                            date_of_birth: None,
                        });
                    }
                    _ => {}
                }
            }
            "DMG" if self.level == Level::Subscriber && self.stage == Stage::Name => {
                if let Some(s) = self.subscriber.as_mut() {
                    s.date_of_birth = s.date_of_birth.or(parse_d8(seg.value(2)));
                }
            }
            "DTP" if self.stage == Stage::Name && matches!(self.level, Level::Subscriber | Level::Dependent) => {
                let value = seg.value(3).trim();
                let (first, last) = match value.split_once('-') {
                    Some((a, b)) => (parse_d8(a), parse_d8(b)),
                    None => (parse_d8(value), None),
                };
                self.dates.push(DateSpan { qualifier: seg.value(1).trim().to_owned(), first, last });
            }
            "TRN" => {
                if let Some(number) = text(seg, 2) {
                    let (kind, originator) = (seg.value(1).trim().to_owned(), seg.value(3).trim().to_owned());
                    self.traces.push(Trace { kind, number, originator });
                }
            }
            "EB" => self.open_benefit(seg),
            "MSG" if self.stage == Stage::Benefit => {
                let message = seg.element(1).map_or("", |e| e.text()).trim();
                if let (Some(benefit), false) = (self.benefits.last_mut(), message.is_empty()) {
                    benefit.messages.push(message.to_owned());
                }
            }
            "AAA" => {
                let code = seg.value(3).trim().to_owned();
                self.rejections.push(Rejection {
                    loop_id: LoopId::at(self.level, self.stage),
                    action: action_for(&code),
                    code,
                    follow_up: text(seg, 4),
                });
            }
            "LS" => self.in_related = true,
            _ => {}
        }
        Ok(())
    }

    fn open_level(&mut self, code: &str) -> Result<(), X12Error> {
        self.level = match code {
            "20" => Level::Source,
            "21" => Level::Receiver,
            "22" => Level::Subscriber,
            "23" => Level::Dependent,
            _ => Level::Other,
        };
        self.stage = Stage::Level;
        // A batch response (several people) cannot be shown as one answer; refuse it
        // rather than blend two people's benefits.
        let seen = match self.level {
            Level::Subscriber => Some((&mut self.seen_subscriber, "subscriber")),
            Level::Dependent => Some((&mut self.seen_dependent, "dependent")),
            _ => None,
        };
        if let Some((seen, level)) = seen {
            if *seen {
                return Err(X12Error::MultipleSubjects { level });
            }
            *seen = true;
        }
        Ok(())
    }

    fn open_benefit(&mut self, seg: &Segment) {
        self.stage = Stage::Benefit;
        let code = seg.value(1).trim().to_owned();
        let plan_name = seg.element(5).map(|e| e.text().trim()).filter(|t| !t.is_empty());
        if let Some(name) = plan_name {
            if code == "1" && self.active_plan_name.is_none() {
                self.active_plan_name = Some(name.to_owned());
            }
            self.any_plan_name.get_or_insert_with(|| name.to_owned());
        }
        let service_types = seg
            .element(3)
            .map(|e| {
                e.repetitions()
                    .iter()
                    .filter_map(|r| r.first())
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        self.benefits.push(Benefit {
            kind: BenefitKind::from_code(&code),
            code,
            level: text(seg, 2),
            service_types,
            network: Network::from_code(seg.value(12).trim()),
            period: Period::from_code(seg.value(6).trim()),
            amount: decimal(seg.value(7)),
            percent: decimal(seg.value(8)).and_then(fraction),
            auth_required: match seg.value(11).trim() {
                "Y" => Some(true),
                "N" => Some(false),
                _ => None,
            },
            messages: Vec::new(),
        });
    }

    fn finish(self, originator_id: Option<&str>) -> Eligibility {
        let has = |code: &str| self.benefits.iter().any(|b| b.code == code);
        let status = if has("1") {
            Status::Active
        } else if !self.rejections.is_empty() {
            Status::Rejected
        } else if has("6") {
            Status::Inactive
        } else {
            Status::Unknown
        };
        // TRN01 `2` is a trace echoed from the inquiry, ours preferred; a `1` is the
        // payer's own number and never stands in for ours (intake-v1.md: "or null").
        let echoed = || self.traces.iter().filter(|t| t.kind == "2");
        let ours = originator_id.and_then(|o| echoed().find(|t| t.originator == o.trim()));
        let trace = ours.or_else(|| echoed().next()).map(|t| t.number.clone());
        let payer_trace = self.traces.iter().find(|t| t.kind == "1").map(|t| t.number.clone());
        let (begin, end) = plan_dates(&self.dates);
        Eligibility {
            status,
            trace,
            payer_trace,
            payer: self.payer.unwrap_or_default(),
            subscriber: self.subscriber.unwrap_or_default(),
            plan: PlanInfo { name: self.active_plan_name.or(self.any_plan_name), begin, end },
            benefits: self.benefits,
            rejections: self.rejections,
        }
    }
}

/// Plan begin and end from the 2100C/2100D dates, most specific qualifier first:
/// `346`/`347` plan begin/end; else `291` plan (a `RD8` range or a single begin date);
/// else `356`/`357` eligibility begin/end; else `307` eligibility (range or begin).
/// Payers differ in which they send, and all say when this coverage applies. Where a
/// qualifier appears in both loops, the later one (the dependent's) wins, as the
/// dependent is then the patient.
fn plan_dates(dates: &[DateSpan]) -> (Option<Date>, Option<Date>) {
    let find = |qualifier: &str, pick: fn(&DateSpan) -> Option<Date>| {
        dates.iter().rev().filter(|d| d.qualifier == qualifier).find_map(pick)
    };
    let first = |d: &DateSpan| d.first;
    let last = |d: &DateSpan| d.last;
    let begin =
        find("346", first).or_else(|| find("291", first)).or_else(|| find("356", first)).or_else(|| find("307", first));
    let end =
        find("347", first).or_else(|| find("291", last)).or_else(|| find("357", first)).or_else(|| find("307", last));
    (begin, end)
}

/// A trimmed, non-empty element value.
fn text(seg: &Segment, n: usize) -> Option<String> {
    Some(seg.value(n).trim()).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// An X12 decimal (`R`): optional minus, digits with at most one point. Rust's own
/// float parser also takes `inf`, `NaN` and exponents, which no payer means.
fn decimal(text: &str) -> Option<f64> {
    let t = text.trim();
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let well_formed = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && unsigned.bytes().filter(|&b| b == b'.').count() <= 1;
    if !well_formed {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// EB08 is a fraction (`.2` is 20 %). Some payers send whole percents (`20`); a value
/// above 1 and up to 100 can only mean that. Anything else is not a percentage.
fn fraction(value: f64) -> Option<f64> {
    if (0.0..=1.0).contains(&value) {
        Some(value)
    } else if value > 1.0 && value <= 100.0 {
        Some(value / 100.0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_plain_numbers_only() {
        assert_eq!(decimal("25"), Some(25.0));
        assert_eq!(decimal(" 1500.50 "), Some(1500.5));
        assert_eq!(decimal(".2"), Some(0.2));
        assert_eq!(decimal("-3"), Some(-3.0));
        for bad in ["", "-", ".", "1.2.3", "inf", "NaN", "1e5", "+5", "2 5", "--1"] {
            assert_eq!(decimal(bad), None, "{bad}");
        }
        assert_eq!(decimal(&"9".repeat(400)), None, "overflows to infinity");
    }

    #[test]
    fn percents_become_fractions() {
        assert_eq!(fraction(0.2), Some(0.2));
        assert_eq!(fraction(1.0), Some(1.0));
        assert_eq!(fraction(20.0), Some(0.2));
        assert_eq!(fraction(250.0), None);
        assert_eq!(fraction(-0.1), None);
    }

    #[test]
    fn every_listed_reason_has_its_own_action() {
        let generic = action_for("zz");
        for code in ["15", "42", "43", "58", "65", "67", "72", "73", "75", "76"] {
            assert_ne!(action_for(code), generic, "{code}");
        }
        assert_eq!(action_for("72"), "Check the member ID on the card and resubmit.");
    }
}
