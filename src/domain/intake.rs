//! The intake answers of `intake-v1.md`, schema version 1: the one data model shared by
//! the wizard, the JSON API, the database and exports.
//!
//! Field and enum names are a public contract. Every struct derives serde with
//! `deny_unknown_fields` (for stored JSON read back) and implements [`Decode`] (for
//! untrusted input, reporting every problem with its path).

use super::decode::{decode_int, decode_list, join, Decode, Decoder, FieldErrors, Format, Object, Problem};
use super::values::*;
use crate::choice_enum;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The only schema version this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

choice_enum! {
    /// The patient's language.
    pub enum Locale { En = "en", Es = "es" }
}

choice_enum! {
    pub enum SexAtBirth { Female = "female", Male = "male", Intersex = "intersex", PreferNotToSay = "prefer_not_to_say" }
}

choice_enum! {
    pub enum ContactMethod { Phone = "phone", Email = "email", Text = "text" }
}

choice_enum! {
    pub enum PainDuration {
        Under6Weeks = "under_6_weeks",
        From6WeeksTo3Months = "6_weeks_to_3_months",
        From3To12Months = "3_to_12_months",
        Over12Months = "over_12_months",
    }
}

impl PainDuration {
    /// Pain of less than three months is not chronic.
    pub fn is_new(self) -> bool {
        matches!(self, Self::Under6Weeks | Self::From6WeeksTo3Months)
    }
}

choice_enum! {
    pub enum Condition {
        CancerRelated = "cancer_related",
        TraumaticSpinal = "traumatic_spinal",
        Neuropathic = "neuropathic",
        Fibromyalgia = "fibromyalgia",
        Crps = "crps",
        Degenerative = "degenerative",
        Other = "other",
        Unknown = "unknown",
    }
}

choice_enum! {
    pub enum Diagnostic { Xray = "xray", MriCt = "mri_ct", Emg = "emg", BloodTests = "blood_tests" }
}

choice_enum! {
    pub enum TreatmentKind {
        Nsaids = "nsaids",
        Acetaminophen = "acetaminophen",
        Opioids = "opioids",
        NervePainMedication = "nerve_pain_medication",
        Antidepressants = "antidepressants",
        MuscleRelaxants = "muscle_relaxants",
        PhysicalTherapy = "physical_therapy",
        Chiropractic = "chiropractic",
        Injections = "injections",
        NerveAblation = "nerve_ablation",
        SpinalSurgery = "spinal_surgery",
        SpinalCordStimulator = "spinal_cord_stimulator",
        Other = "other",
    }
}

choice_enum! {
    pub enum TreatmentResult { NoRelief = "no_relief", SomeRelief = "some_relief", GoodRelief = "good_relief", SideEffects = "side_effects" }
}

choice_enum! {
    /// The answer to the unscored last question of the PHQ-9 and of the GAD-7 ("how
    /// difficult have these problems made it …"). Stored for the clinician; it is never
    /// part of a score or of any screening rule.
    pub enum Difficulty {
        NotDifficult = "not_difficult",
        SomewhatDifficult = "somewhat_difficult",
        VeryDifficult = "very_difficult",
        ExtremelyDifficult = "extremely_difficult",
    }
}

choice_enum! {
    pub enum Plan { BcbsTx = "bcbs_tx", Uhc = "uhc", Cigna = "cigna", Other = "other", SelfPay = "self_pay" }
}

choice_enum! {
    pub enum Subscriber { SelfInsured = "self", Spouse = "spouse", Parent = "parent", Other = "other" }
}

/// A complete, valid intake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeAnswers {
    pub schema_version: u8,
    pub locale: Locale,
    pub patient: Patient,
    pub clinical: Clinical,
    pub insurance: Insurance,
    pub consent: Consent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub date_of_birth: Date,
    pub sex_at_birth: SexAtBirth,
    pub email: Option<Email>,
    pub phone: Phone,
    pub zip: Zip,
    pub preferred_contact: ContactMethod,
}

/// Everything the screening rules read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clinical {
    pub red_flags: RedFlags,
    pub symptoms: Symptoms,
    pub pain_duration: PainDuration,
    pub pain: Pain,
    pub conditions: Vec<Condition>,
    pub diagnostics: Vec<Diagnostic>,
    pub treatments: Vec<Treatment>,
    pub upcoming_surgery: bool,
    pub medical: Medical,
    pub mood: Option<Mood>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlags {
    pub bladder_or_bowel_change: bool,
    pub saddle_numbness: bool,
    pub both_legs_symptoms: bool,
    pub worsening_leg_weakness: bool,
    pub fever_or_chills: bool,
    pub cancer_history: bool,
    pub unexplained_weight_loss: bool,
    pub recent_trauma: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptoms {
    pub shooting_pain_bending_lifting: bool,
    pub severe_pain_turning_in_bed: bool,
    pub flare_ups: bool,
    pub morning_stiffness: bool,
    pub radiating_pain: bool,
    pub other: FreeText<1000>,
}

/// The 0–10 ratings. The last three with `average_week` make the PEG score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pain {
    pub current: PainRating,
    pub average_week: PainRating,
    pub worst_week: PainRating,
    pub enjoyment_interference: PainRating,
    pub activity_interference: PainRating,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    pub kind: TreatmentKind,
    pub result: TreatmentResult,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medical {
    pub uncontrolled_blood_pressure: bool,
    pub heart_disease: bool,
    pub pregnant_or_breastfeeding: bool,
    pub psychosis: bool,
    pub bipolar_disorder: bool,
    pub liver_disease: bool,
    pub eye_or_brain_pressure: bool,
    pub substance_use: bool,
    pub ketamine_reaction: bool,
    pub medications: FreeText<2000>,
    pub allergies: FreeText<1000>,
}

/// The optional PHQ-9 and GAD-7 answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mood {
    pub phq9: [ItemScore; 9],
    pub gad7: [ItemScore; 7],
    /// Each instrument's difficulty question, optional and never scored. Intakes stored
    /// before the field existed read back as `None`.
    #[serde(default)]
    pub phq9_difficulty: Option<Difficulty>,
    #[serde(default)]
    pub gad7_difficulty: Option<Difficulty>,
}

/// Insurance as the patient gave it. Fields that do not apply to the chosen plan or
/// subscriber are dropped when decoded, so a stored value never carries stale details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Insurance {
    pub plan: Plan,
    pub other_payer_name: Option<PayerName>,
    pub member_id: Option<MemberId>,
    pub group_number: Option<GroupNumber>,
    pub subscriber: Subscriber,
    pub subscriber_name: Option<PersonName>,
    pub subscriber_date_of_birth: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub privacy_notice: bool,
    pub contact: bool,
    pub attestation: bool,
    pub signature: Signature,
}

impl IntakeAnswers {
    /// Parses an untrusted JSON value; `today` bounds dates of birth.
    pub fn from_json(value: &Value, today: Date) -> Result<Self, FieldErrors> {
        let mut d = Decoder::new(today);
        let answers = Self::decode(value, "", &mut d);
        d.finish(answers)
    }
}

/// Reads `schema_version`, which must be exactly 1.
pub fn decode_schema_version(o: &mut Object<'_>, d: &mut Decoder) -> Option<u8> {
    let v = o.required_with("schema_version", d, |v, at, d| decode_int(v, at, d, i64::MIN, i64::MAX))?;
    if v == SCHEMA_VERSION {
        Some(v as u8)
    } else {
        d.report(&o.path("schema_version"), Problem::InvalidChoice(&["1"]));
        None
    }
}

/// A date of birth: a real date, not after `today`, at most 120 years before it.
pub fn decode_date_of_birth(v: &Value, at: &str, d: &mut Decoder, today: Date) -> Option<Date> {
    let dob = Date::decode(v, at, d)?;
    if dob > today {
        d.report(at, Problem::Format(Format::DateInFuture));
        None
    } else if super::age::age_on(dob, today) > 120 {
        d.report(at, Problem::Format(Format::TooOld));
        None
    } else {
        Some(dob)
    }
}

impl Decode for IntakeAnswers {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let mut o = Object::open(value, at, d)?;
        let schema_version = decode_schema_version(&mut o, d);
        let locale = o.required("locale", d);
        let patient = o.required("patient", d);
        let clinical = o.required("clinical", d);
        let insurance = o.required("insurance", d);
        let consent = o.required("consent", d);
        o.close(d);
        Some(Self {
            schema_version: schema_version?,
            locale: locale?,
            patient: patient?,
            clinical: clinical?,
            insurance: insurance?,
            consent: consent?,
        })
    }
}

impl Decode for Patient {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let mut o = Object::open(value, at, d)?;
        let first_name = o.required("first_name", d);
        let last_name = o.required("last_name", d);
        let today = d.today;
        let date_of_birth = o.required_with("date_of_birth", d, |v, at, d| decode_date_of_birth(v, at, d, today));
        let sex_at_birth = o.required("sex_at_birth", d);
        let email: Option<Option<Email>> = o.optional("email", d);
        let phone = o.required("phone", d);
        let zip = o.required("zip", d);
        let preferred_contact: Option<ContactMethod> = o.required("preferred_contact", d);
        // An e-mail contact needs an address; only said when the address itself was fine.
        if preferred_contact == Some(ContactMethod::Email) && email == Some(None) {
            d.report(&o.path("email"), Problem::Format(Format::EmailForContact));
        }
        o.close(d);
        Some(Self {
            first_name: first_name?,
            last_name: last_name?,
            date_of_birth: date_of_birth?,
            sex_at_birth: sex_at_birth?,
            email: email?,
            phone: phone?,
            zip: zip?,
            preferred_contact: preferred_contact?,
        })
    }
}

/// Reads a list of choices that must not repeat; a repeat is reported at its index.
fn decode_unique<T: Decode + PartialEq>(v: &Value, at: &str, d: &mut Decoder) -> Option<Vec<T>> {
    unique_by(decode_list::<T>(v, at, d)?, at, d, |a, b| a == b)
}

fn unique_by<T>(items: Vec<T>, at: &str, d: &mut Decoder, same: impl Fn(&T, &T) -> bool) -> Option<Vec<T>> {
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        if items[..i].iter().any(|earlier| same(earlier, item)) {
            d.report(&join(at, &i.to_string()), Problem::Duplicate);
            ok = false;
        }
    }
    ok.then_some(items)
}

impl Decode for Clinical {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let mut o = Object::open(value, at, d)?;
        let red_flags = o.required("red_flags", d);
        let symptoms = o.required("symptoms", d);
        let pain_duration = o.required("pain_duration", d);
        let pain = o.required("pain", d);
        let conditions = o.required_with("conditions", d, decode_unique::<Condition>);
        let diagnostics = o.required_with("diagnostics", d, decode_unique::<Diagnostic>);
        let treatments = o.required_with("treatments", d, |v, at, d| {
            unique_by(decode_list::<Treatment>(v, at, d)?, at, d, |a, b| a.kind == b.kind)
        });
        let upcoming_surgery = o.required("upcoming_surgery", d);
        let medical = o.required("medical", d);
        let mood = o.optional("mood", d);
        o.close(d);
        Some(Self {
            red_flags: red_flags?,
            symptoms: symptoms?,
            pain_duration: pain_duration?,
            pain: pain?,
            conditions: conditions?,
            diagnostics: diagnostics?,
            treatments: treatments?,
            upcoming_surgery: upcoming_surgery?,
            medical: medical?,
            mood: mood?,
        })
    }
}

/// Decodes a struct whose fields are all required and decoded by their own type.
macro_rules! decode_struct {
    ($ty:ident { $($field:ident),+ $(,)? }) => {
        impl Decode for $ty {
            fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
                let mut o = Object::open(value, at, d)?;
                $(let $field = o.required(stringify!($field), d);)+
                o.close(d);
                Some(Self { $($field: $field?),+ })
            }
        }
    };
}

/// The red-flag questions' field names, in the order they are asked.
pub const RED_FLAG_QUESTIONS: [&str; 8] = [
    "bladder_or_bowel_change",
    "saddle_numbness",
    "both_legs_symptoms",
    "worsening_leg_weakness",
    "fever_or_chills",
    "cancer_history",
    "unexplained_weight_loss",
    "recent_trauma",
];

decode_struct!(RedFlags {
    bladder_or_bowel_change,
    saddle_numbness,
    both_legs_symptoms,
    worsening_leg_weakness,
    fever_or_chills,
    cancer_history,
    unexplained_weight_loss,
    recent_trauma,
});
decode_struct!(Symptoms {
    shooting_pain_bending_lifting,
    severe_pain_turning_in_bed,
    flare_ups,
    morning_stiffness,
    radiating_pain,
    other,
});
decode_struct!(Pain { current, average_week, worst_week, enjoyment_interference, activity_interference });
decode_struct!(Treatment { kind, result });
decode_struct!(Medical {
    uncontrolled_blood_pressure,
    heart_disease,
    pregnant_or_breastfeeding,
    psychosis,
    bipolar_disorder,
    liver_disease,
    eye_or_brain_pressure,
    substance_use,
    ketamine_reaction,
    medications,
    allergies,
});

impl Decode for Mood {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let mut o = Object::open(value, at, d)?;
        let phq9 = o.required("phq9", d);
        let gad7 = o.required("gad7", d);
        // Absent and null both mean "not answered".
        let phq9_difficulty = o.optional("phq9_difficulty", d);
        let gad7_difficulty = o.optional("gad7_difficulty", d);
        o.close(d);
        Some(Self { phq9: phq9?, gad7: gad7?, phq9_difficulty: phq9_difficulty?, gad7_difficulty: gad7_difficulty? })
    }
}

impl<T: Decode + Copy, const N: usize> Decode for [T; N] {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let items = decode_list::<T>(value, at, d);
        if let Value::Array(raw) = value {
            if raw.len() != N {
                d.report(at, Problem::Count(N));
                return None;
            }
        }
        items?.try_into().ok()
    }
}

impl Decode for Insurance {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let mut o = Object::open(value, at, d)?;
        let plan: Option<Plan> = o.required("plan", d);
        let self_pay = plan == Some(Plan::SelfPay);
        // For self-pay the subscriber is meaningless: it is ignored and kept as "self".
        let subscriber: Option<Subscriber> = if self_pay {
            o.raw("subscriber");
            Some(Subscriber::SelfInsured)
        } else {
            o.required("subscriber", d)
        };
        // Questions that do not apply are ignored (marked as read, value dropped), as the
        // wizard hides them; those that apply are required.
        let other_payer_name = if plan == Some(Plan::Other) {
            o.required("other_payer_name", d).map(Some)
        } else {
            o.raw("other_payer_name");
            Some(None)
        };
        let (member_id, group_number) = if self_pay || plan.is_none() {
            o.raw("member_id");
            o.raw("group_number");
            (Some(None), Some(None))
        } else {
            (o.required("member_id", d).map(Some), o.optional("group_number", d))
        };
        let needs_subscriber =
            !self_pay && plan.is_some() && matches!(subscriber, Some(s) if s != Subscriber::SelfInsured);
        let today = d.today;
        let (subscriber_name, subscriber_date_of_birth) = if needs_subscriber {
            (
                o.required("subscriber_name", d).map(Some),
                o.required_with("subscriber_date_of_birth", d, |v, at, d| decode_date_of_birth(v, at, d, today))
                    .map(Some),
            )
        } else {
            o.raw("subscriber_name");
            o.raw("subscriber_date_of_birth");
            (Some(None), Some(None))
        };
        o.close(d);
        Some(Self {
            plan: plan?,
            other_payer_name: other_payer_name?,
            member_id: member_id?,
            group_number: group_number?,
            subscriber: subscriber?,
            subscriber_name: subscriber_name?,
            subscriber_date_of_birth: subscriber_date_of_birth?,
        })
    }
}

impl Decode for Consent {
    fn decode(value: &Value, at: &str, d: &mut Decoder) -> Option<Self> {
        let mut o = Object::open(value, at, d)?;
        let accepted = |name: &'static str, o: &mut Object<'_>, d: &mut Decoder| match o.required::<bool>(name, d) {
            Some(true) => Some(true),
            Some(false) => {
                d.report(&o.path(name), Problem::MustAccept);
                None
            }
            None => None,
        };
        let privacy_notice = accepted("privacy_notice", &mut o, d);
        let contact = accepted("contact", &mut o, d);
        let attestation = accepted("attestation", &mut o, d);
        let signature = o.required("signature", d);
        o.close(d);
        Some(Self {
            privacy_notice: privacy_notice?,
            contact: contact?,
            attestation: attestation?,
            signature: signature?,
        })
    }
}
