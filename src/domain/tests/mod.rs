//! Tests of the pure domain against the two specs it implements:
//! `shared/spec/screening.md` (the clinical policy) and `shared/spec/intake-v1.md`
//! (the data contract), plus the vignettes in `shared/spec/examples/`.
//!
//! Layout: the helpers here; one module per kind of test: the vignettes, one test per
//! rule, boundaries, precedence and notes, decoding, property tests.

use super::age::age_on;
use super::decode::{FieldErrors, Format, Problem};
use super::intake::*;
use super::screening::*;
use super::values::*;
use jiff::civil::{date, Date};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The evaluation date of every vignette, used as "today" throughout.
const AS_OF: Date = date(2026, 11, 23);
/// The vignettes' adult patient (51 on `AS_OF`).
const ADULT: Date = date(1975, 6, 14);

fn rating(n: u8) -> PainRating {
    PainRating::new(n).expect("a 0..=10 rating")
}

fn items<const N: usize>(values: [u8; N]) -> [ItemScore; N] {
    values.map(|n| ItemScore::new(n).expect("a 0..=3 item"))
}

/// `N` item answers (each 0..=3) adding up to `total`, filled from the first item, so the
/// last item (PHQ-9 item 9) stays 0 unless the total needs it.
fn items_summing<const N: usize>(total: u8) -> [ItemScore; N] {
    let mut out = [0u8; N];
    let mut left = total;
    for slot in out.iter_mut() {
        *slot = left.min(3);
        left -= *slot;
    }
    assert_eq!(left, 0, "{total} does not fit in {N} items");
    items(out)
}

/// Mood answers without the (unscored) difficulty questions.
fn mood(phq9: [ItemScore; 9], gad7: [ItemScore; 7]) -> Mood {
    Mood { phq9, gad7, phq9_difficulty: None, gad7_difficulty: None }
}

fn treatment(kind: TreatmentKind, result: TreatmentResult) -> Treatment {
    Treatment { kind, result }
}

/// The clinical section of `examples/refractory-chronic-back-pain.json`, built in code:
/// chronic, severe, three treatments tried, no red flag, no precaution. On its own it is
/// `consult_recommended` with the single reason `chronic_refractory_pain`, so any other
/// reason a test sees was caused by the one thing that test changed.
fn baseline() -> Clinical {
    Clinical {
        red_flags: RedFlags::default(),
        symptoms: Symptoms {
            shooting_pain_bending_lifting: true,
            severe_pain_turning_in_bed: true,
            flare_ups: true,
            morning_stiffness: true,
            radiating_pain: true,
            other: FreeText::default(),
        },
        pain_duration: PainDuration::Over12Months,
        pain: Pain {
            current: rating(7),
            average_week: rating(7),
            worst_week: rating(9),
            enjoyment_interference: rating(6),
            activity_interference: rating(8),
        },
        conditions: vec![Condition::Neuropathic],
        diagnostics: vec![Diagnostic::Xray, Diagnostic::MriCt, Diagnostic::Emg],
        treatments: vec![
            treatment(TreatmentKind::Nsaids, TreatmentResult::NoRelief),
            treatment(TreatmentKind::PhysicalTherapy, TreatmentResult::SomeRelief),
            treatment(TreatmentKind::Injections, TreatmentResult::NoRelief),
        ],
        upcoming_surgery: false,
        medical: Medical { medications: FreeText::parse("gabapentin 300 mg").unwrap(), ..Medical::default() },
        mood: Some(mood(items([1, 1, 2, 1, 0, 0, 1, 0, 0]), items([1, 0, 1, 0, 0, 1, 0]))),
    }
}

fn with_pain(c: &mut Clinical, average_week: u8, enjoyment: u8, activity: u8) {
    c.pain.average_week = rating(average_week);
    c.pain.enjoyment_interference = rating(enjoyment);
    c.pain.activity_interference = rating(activity);
}

/// Changes the baseline so that the rule `code` of `screening.md` fires (and, as far as the
/// policy allows, nothing else). This is the one place where codes meet input fields.
fn trigger(code: &str, c: &mut Clinical, born: &mut Date) {
    let rf = &mut c.red_flags;
    let med = &mut c.medical;
    match code {
        "bladder_or_bowel_change" => rf.bladder_or_bowel_change = true,
        "saddle_numbness" => rf.saddle_numbness = true,
        "both_legs_symptoms" => rf.both_legs_symptoms = true,
        "worsening_leg_weakness" => rf.worsening_leg_weakness = true,
        "fever_or_chills" => rf.fever_or_chills = true,
        "cancer_history_new_pain" => {
            rf.cancer_history = true;
            c.pain_duration = PainDuration::Under6Weeks;
        }
        "unexplained_weight_loss" => rf.unexplained_weight_loss = true,
        "recent_trauma" => rf.recent_trauma = true,
        "uncontrolled_blood_pressure" => med.uncontrolled_blood_pressure = true,
        "heart_disease" => med.heart_disease = true,
        "pregnant_or_breastfeeding" => med.pregnant_or_breastfeeding = true,
        "psychosis" => med.psychosis = true,
        "bipolar_disorder" => med.bipolar_disorder = true,
        "liver_disease" => med.liver_disease = true,
        "eye_or_brain_pressure" => med.eye_or_brain_pressure = true,
        "substance_use" => med.substance_use = true,
        "ketamine_reaction" => med.ketamine_reaction = true,
        "self_harm_thoughts" => c.mood.as_mut().expect("baseline has mood").phq9[8] = items([1])[0],
        "under_18" => *born = date(2010, 1, 1),
        "pain_not_chronic" => c.pain_duration = PainDuration::Under6Weeks,
        "mild_pain" => with_pain(c, 3, 4, 4), // PEG 11/3 = 3.7
        "few_prior_treatments" => c.treatments.clear(),
        other => panic!("no trigger for {other}"),
    }
}

/// Every rule code of `screening.md` except the consult_recommended ones, most urgent first.
const RULE_CODES: [&str; 22] = [
    "bladder_or_bowel_change",
    "saddle_numbness",
    "both_legs_symptoms",
    "worsening_leg_weakness",
    "fever_or_chills",
    "cancer_history_new_pain",
    "unexplained_weight_loss",
    "recent_trauma",
    "uncontrolled_blood_pressure",
    "heart_disease",
    "pregnant_or_breastfeeding",
    "psychosis",
    "bipolar_disorder",
    "liver_disease",
    "eye_or_brain_pressure",
    "substance_use",
    "ketamine_reaction",
    "self_harm_thoughts",
    "under_18",
    "pain_not_chronic",
    "mild_pain",
    "few_prior_treatments",
];

fn eval(c: &Clinical) -> Evaluation {
    evaluate(c, ADULT, AS_OF)
}

/// The sorted codes of every returned reason (as `expect.reason_codes` in the vignettes).
fn codes(e: &Evaluation) -> Vec<&'static str> {
    let mut codes: Vec<_> = e.reasons.iter().map(|r| r.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

fn sorted<'a>(codes: &[&'a str]) -> Vec<&'a str> {
    let mut v = codes.to_vec();
    v.sort_unstable();
    v
}

/// Applies the triggers of `fired` to the baseline and checks the outcome and that the
/// reasons are exactly `expected` (each carrying its own rule's outcome).
#[track_caller]
fn assert_screening(fired: &[&str], outcome: Outcome, expected: &[&str]) -> Evaluation {
    let mut c = baseline();
    let mut born = ADULT;
    for code in fired {
        trigger(code, &mut c, &mut born);
    }
    let e = evaluate(&c, born, AS_OF);
    assert_eq!(codes(&e), sorted(expected), "reasons when {fired:?} fire");
    assert_eq!(e.outcome, outcome, "outcome when {fired:?} fire");
    for r in &e.reasons {
        assert_eq!(r.outcome, r.code.outcome(), "{} carries its rule's outcome", r.code);
    }
    e
}

// ---------------------------------------------------------------------------------------
// Fixtures of the decoding and property tests
// ---------------------------------------------------------------------------------------

/// The clinical section of the `intake-v1.md` example.
fn valid_clinical_json() -> Value {
    json!({
        "red_flags": {
            "bladder_or_bowel_change": false, "saddle_numbness": false, "both_legs_symptoms": false,
            "worsening_leg_weakness": false, "fever_or_chills": false, "cancer_history": false,
            "unexplained_weight_loss": false, "recent_trauma": false
        },
        "symptoms": {
            "shooting_pain_bending_lifting": true, "severe_pain_turning_in_bed": false,
            "flare_ups": true, "morning_stiffness": true, "radiating_pain": false,
            "other": ""
        },
        "pain_duration": "over_12_months",
        "pain": {
            "current": 7, "average_week": 6, "worst_week": 9,
            "enjoyment_interference": 7, "activity_interference": 8
        },
        "conditions": ["neuropathic"],
        "diagnostics": ["xray", "mri_ct"],
        "treatments": [
            { "kind": "nsaids", "result": "some_relief" },
            { "kind": "physical_therapy", "result": "no_relief" }
        ],
        "upcoming_surgery": false,
        "medical": {
            "uncontrolled_blood_pressure": false, "heart_disease": false, "pregnant_or_breastfeeding": false,
            "psychosis": false, "bipolar_disorder": false, "liver_disease": false,
            "eye_or_brain_pressure": false, "substance_use": false, "ketamine_reaction": false,
            "medications": "",
            "allergies": ""
        },
        "mood": {
            "phq9": [0, 1, 1, 0, 2, 0, 0, 0, 0],
            "gad7": [1, 1, 0, 0, 0, 0, 0],
            "phq9_difficulty": null,
            "gad7_difficulty": null
        }
    })
}

/// The complete intake of the `intake-v1.md` example.
fn valid_intake() -> Value {
    json!({
        "schema_version": 1,
        "locale": "en",
        "patient": {
            "first_name": "Jane",
            "last_name": "Doe",
            "date_of_birth": "1980-04-02",
            "sex_at_birth": "female",
            "email": "jane@example.com",
            "phone": "(214) 555-0182",
            "zip": "75201",
            "preferred_contact": "phone"
        },
        "clinical": valid_clinical_json(),
        "insurance": {
            "plan": "bcbs_tx",
            "other_payer_name": null,
            "member_id": "XYZ123456789",
            "group_number": null,
            "subscriber": "self",
            "subscriber_name": null,
            "subscriber_date_of_birth": null
        },
        "consent": {
            "privacy_notice": true,
            "contact": true,
            "attestation": true,
            "signature": "Jane Doe"
        }
    })
}

/// The `POST /api/v1/screening` body of the `intake-v1.md` example.
fn valid_request() -> Value {
    json!({
        "schema_version": 1,
        "date_of_birth": "1980-04-02",
        "as_of": "2026-11-23",
        "clinical": valid_clinical_json()
    })
}

fn pointer(dotted: &str) -> String {
    if dotted.is_empty() {
        String::new()
    } else {
        format!("/{}", dotted.replace('.', "/"))
    }
}

/// `value` with the field at a dotted path set (added if absent) to `new`.
fn with(mut value: Value, path: &str, new: Value) -> Value {
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    match value.pointer_mut(&pointer(parent)) {
        Some(Value::Object(map)) => {
            map.insert(key.to_owned(), new);
        }
        Some(Value::Array(items)) => items[key.parse::<usize>().unwrap()] = new,
        _ => panic!("no container at {parent}"),
    }
    value
}

/// `value` without the field at a dotted path.
fn without(mut value: Value, path: &str) -> Value {
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    match value.pointer_mut(&pointer(parent)) {
        Some(Value::Object(map)) => assert!(map.remove(key).is_some(), "no field {path}"),
        _ => panic!("no object at {parent}"),
    }
    value
}

type Errors = Vec<(String, &'static str)>;

fn listed(errors: FieldErrors) -> Errors {
    let mut v: Errors = errors.iter().map(|e| (e.field.clone(), e.problem.code().as_str())).collect();
    v.sort();
    v
}

/// Every error of an intake as sorted `(field, code)` pairs; empty when it is accepted.
fn intake_errors(value: &Value) -> Errors {
    IntakeAnswers::from_json(value, AS_OF).err().map(listed).unwrap_or_default()
}

fn request_errors(value: &Value) -> Errors {
    ScreeningRequest::from_json(value, AS_OF).err().map(listed).unwrap_or_default()
}

fn errs(pairs: &[(&str, &'static str)]) -> Errors {
    let mut v: Errors = pairs.iter().map(|(f, c)| (f.to_string(), *c)).collect();
    v.sort();
    v
}

#[track_caller]
fn assert_intake_errors(value: Value, expected: &[(&str, &'static str)]) {
    assert_eq!(intake_errors(&value), errs(expected));
}

mod boundaries;
mod decoding;
mod precedence;
mod properties;
mod rules;
mod vignettes;
