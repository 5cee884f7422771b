//! The clinic's screening policy (`screening.md`, rules version 1) as one pure function.
//!
//! [`evaluate`] runs unchanged on the server (the stored result) and in the browser (the
//! live result the patient sees). It never says "eligible for ketamine": the outcome is
//! what to do next, and a clinician makes every treatment decision.

use super::age::age_on;
use super::decode::{Decoder, FieldErrors, Object};
use super::intake::{decode_date_of_birth, decode_schema_version, Clinical, Condition, TreatmentResult};
use crate::choice_enum;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Stored with every result, so a result can always be traced to the rules that made it.
pub const RULES_VERSION: &str = "1";

choice_enum! {
    /// What the patient should do next. Declared least urgent first, so `Ord` is urgency.
    pub enum Outcome {
        ConsultRecommended = "consult_recommended",
        NotYet = "not_yet",
        ClinicianReview = "clinician_review",
        UrgentCare = "urgent_care",
        Emergency = "emergency",
    }
}

choice_enum! {
    /// Every reason a rule can give. The wire names are stable identifiers.
    pub enum ReasonCode {
        // emergency: possible cauda equina syndrome
        BladderOrBowelChange = "bladder_or_bowel_change",
        SaddleNumbness = "saddle_numbness",
        BothLegsSymptoms = "both_legs_symptoms",
        // urgent_care
        WorseningLegWeakness = "worsening_leg_weakness",
        FeverOrChills = "fever_or_chills",
        CancerHistoryNewPain = "cancer_history_new_pain",
        UnexplainedWeightLoss = "unexplained_weight_loss",
        RecentTrauma = "recent_trauma",
        // clinician_review: precautions
        UncontrolledBloodPressure = "uncontrolled_blood_pressure",
        HeartDisease = "heart_disease",
        PregnantOrBreastfeeding = "pregnant_or_breastfeeding",
        Psychosis = "psychosis",
        BipolarDisorder = "bipolar_disorder",
        LiverDisease = "liver_disease",
        EyeOrBrainPressure = "eye_or_brain_pressure",
        SubstanceUse = "substance_use",
        KetamineReaction = "ketamine_reaction",
        SelfHarmThoughts = "self_harm_thoughts",
        // not_yet
        Under18 = "under_18",
        PainNotChronic = "pain_not_chronic",
        MildPain = "mild_pain",
        FewPriorTreatments = "few_prior_treatments",
        // consult_recommended, and notes that never change the outcome
        ChronicRefractoryPain = "chronic_refractory_pain",
        UpcomingSurgery = "upcoming_surgery",
        Crps = "crps",
    }
}

impl ReasonCode {
    /// The outcome each rule reaches (the tables of `screening.md`).
    pub fn outcome(self) -> Outcome {
        use ReasonCode::*;
        match self {
            BladderOrBowelChange | SaddleNumbness | BothLegsSymptoms => Outcome::Emergency,
            WorseningLegWeakness | FeverOrChills | CancerHistoryNewPain | UnexplainedWeightLoss | RecentTrauma => {
                Outcome::UrgentCare
            }
            UncontrolledBloodPressure
            | HeartDisease
            | PregnantOrBreastfeeding
            | Psychosis
            | BipolarDisorder
            | LiverDisease
            | EyeOrBrainPressure
            | SubstanceUse
            | KetamineReaction
            | SelfHarmThoughts => Outcome::ClinicianReview,
            Under18 | PainNotChronic | MildPain | FewPriorTreatments => Outcome::NotYet,
            ChronicRefractoryPain | UpcomingSurgery | Crps => Outcome::ConsultRecommended,
        }
    }
}

/// The red-flag questions (field names in `clinical.red_flags`, which are also their
/// reason codes) whose "yes" alone reaches `outcome`, from the rule table above:
/// `Emergency` gives the three that mean "call 911 now" (possible cauda equina syndrome),
/// where the wizard stops; `UrgentCare` the four that mean care today. (A cancer history
/// is urgent only with new pain, so it is in neither.) The server and the browser ask
/// this one place.
pub fn red_flags_reaching(outcome: Outcome) -> impl Iterator<Item = &'static str> {
    ReasonCode::ALL
        .iter()
        .filter(move |code| code.outcome() == outcome)
        .map(|code| code.as_str())
        .filter(|name| super::intake::RED_FLAG_QUESTIONS.contains(name))
}

/// A fired rule. Messages are rendered in the reader's language by `i18n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub outcome: Outcome,
}

choice_enum! {
    pub enum Phq9Band { Minimal = "minimal", Mild = "mild", Moderate = "moderate", ModeratelySevere = "moderately_severe", Severe = "severe" }
}

choice_enum! {
    pub enum Gad7Band { Minimal = "minimal", Mild = "mild", Moderate = "moderate", Severe = "severe" }
}

impl Phq9Band {
    pub fn of(total: u8) -> Self {
        match total {
            0..=4 => Self::Minimal,
            5..=9 => Self::Mild,
            10..=14 => Self::Moderate,
            15..=19 => Self::ModeratelySevere,
            _ => Self::Severe,
        }
    }
}

impl Gad7Band {
    pub fn of(total: u8) -> Self {
        match total {
            0..=4 => Self::Minimal,
            5..=9 => Self::Mild,
            10..=14 => Self::Moderate,
            _ => Self::Severe,
        }
    }
}

/// A PEG score in tenths (57 is 5.7): exact, so comparisons never suffer float error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Peg(u8);

impl Peg {
    /// The mean of three 0–10 ratings, rounded half up to one decimal (17/3 → 5.7).
    pub fn from_ratings(a: u8, b: u8, c: u8) -> Self {
        let sum = u32::from(a) + u32::from(b) + u32::from(c);
        // tenths = round(sum * 10 / 3) with halves rounded up = floor((20 * sum + 3) / 6)
        Self(((20 * sum + 3) / 6) as u8)
    }
    pub fn tenths(self) -> u8 {
        self.0
    }
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl Serialize for Peg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.value())
    }
}

impl<'de> Deserialize<'de> for Peg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if (0.0..=10.0).contains(&v) {
            Ok(Self((v * 10.0).round() as u8))
        } else {
            Err(serde::de::Error::custom("PEG must be 0..=10"))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    pub peg: Peg,
    pub phq9: Option<u8>,
    pub phq9_band: Option<Phq9Band>,
    pub gad7: Option<u8>,
    pub gad7_band: Option<Gad7Band>,
}

/// The result of one evaluation: the outcome, every fired reason, and the scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub outcome: Outcome,
    pub reasons: Vec<Reason>,
    pub safety_alert: bool,
    pub scores: Scores,
    pub rules_version: String,
}

/// Computes the scores of `screening.md`.
pub fn scores(clinical: &Clinical) -> Scores {
    let p = &clinical.pain;
    let peg = Peg::from_ratings(p.average_week.get(), p.enjoyment_interference.get(), p.activity_interference.get());
    let phq9 = clinical.mood.map(|m| m.phq9.iter().map(|i| i.get()).sum::<u8>());
    let gad7 = clinical.mood.map(|m| m.gad7.iter().map(|i| i.get()).sum::<u8>());
    Scores { peg, phq9, phq9_band: phq9.map(Phq9Band::of), gad7, gad7_band: gad7.map(Gad7Band::of) }
}

/// Evaluates the screening policy for a patient born on `born`, as of `as_of`.
pub fn evaluate(clinical: &Clinical, born: Date, as_of: Date) -> Evaluation {
    use ReasonCode::*;
    let scores = scores(clinical);
    let rf = &clinical.red_flags;
    let med = &clinical.medical;
    let new_pain = clinical.pain_duration.is_new();
    let self_harm = clinical.mood.is_some_and(|m| m.phq9[8].get() > 0);
    let relief_failures = clinical.treatments.iter().filter(|t| t.result != TreatmentResult::GoodRelief).count();

    let rules: [(ReasonCode, bool); 22] = [
        (BladderOrBowelChange, rf.bladder_or_bowel_change),
        (SaddleNumbness, rf.saddle_numbness),
        (BothLegsSymptoms, rf.both_legs_symptoms),
        (WorseningLegWeakness, rf.worsening_leg_weakness),
        (FeverOrChills, rf.fever_or_chills),
        (CancerHistoryNewPain, rf.cancer_history && new_pain),
        (UnexplainedWeightLoss, rf.unexplained_weight_loss),
        (RecentTrauma, rf.recent_trauma),
        (UncontrolledBloodPressure, med.uncontrolled_blood_pressure),
        (HeartDisease, med.heart_disease),
        (PregnantOrBreastfeeding, med.pregnant_or_breastfeeding),
        (Psychosis, med.psychosis),
        (BipolarDisorder, med.bipolar_disorder),
        (LiverDisease, med.liver_disease),
        (EyeOrBrainPressure, med.eye_or_brain_pressure),
        (SubstanceUse, med.substance_use),
        (KetamineReaction, med.ketamine_reaction),
        (SelfHarmThoughts, self_harm),
        (Under18, age_on(born, as_of) < 18),
        (PainNotChronic, new_pain),
        (MildPain, clinical.pain.average_week.get() < 4 && scores.peg.tenths() < 40),
        (FewPriorTreatments, relief_failures < 2 && !clinical.upcoming_surgery),
    ];

    let mut reasons: Vec<Reason> = rules
        .iter()
        .filter(|(_, fired)| *fired)
        .map(|(code, _)| Reason { code: *code, outcome: code.outcome() })
        .collect();

    let outcome = match reasons.iter().map(|r| r.outcome).max() {
        Some(outcome) => outcome,
        None => {
            let notes = [
                (ChronicRefractoryPain, true),
                (UpcomingSurgery, clinical.upcoming_surgery),
                (Crps, clinical.conditions.contains(&Condition::Crps)),
            ];
            reasons.extend(
                notes
                    .iter()
                    .filter(|(_, added)| *added)
                    .map(|(code, _)| Reason { code: *code, outcome: code.outcome() }),
            );
            Outcome::ConsultRecommended
        }
    };
    // Most urgent first, so the deciding reasons lead; stable within one outcome.
    reasons.sort_by_key(|r| std::cmp::Reverse(r.outcome));

    Evaluation { outcome, reasons, safety_alert: self_harm, scores, rules_version: RULES_VERSION.to_owned() }
}

/// The body of `POST /api/v1/screening`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningRequest {
    pub date_of_birth: Date,
    pub as_of: Date,
    pub clinical: Clinical,
}

impl ScreeningRequest {
    /// Parses an untrusted request; `today` (the clinic's date) is used when `as_of` is absent.
    pub fn from_json(value: &Value, today: Date) -> Result<Self, FieldErrors> {
        let mut d = Decoder::new(today);
        let request = (|| {
            let mut o = Object::open(value, "", &mut d)?;
            let version = decode_schema_version(&mut o, &mut d);
            let as_of: Option<Option<Date>> = o.optional("as_of", &mut d);
            // The date of birth is judged against the evaluation date, not the wall clock.
            let on = as_of.flatten().unwrap_or(today);
            let dob = o.required_with("date_of_birth", &mut d, |v, at, d| decode_date_of_birth(v, at, d, on));
            let clinical = o.required("clinical", &mut d);
            o.close(&mut d);
            version?;
            Some(Self { date_of_birth: dob?, as_of: as_of?.unwrap_or(today), clinical: clinical? })
        })();
        d.finish(request)
    }

    pub fn evaluate(&self) -> Evaluation {
        evaluate(&self.clinical, self.date_of_birth, self.as_of)
    }
}
