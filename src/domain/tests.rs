//! Tests of the pure domain against the two specs it implements:
//! `shared/spec/screening.md` (the clinical policy) and `shared/spec/intake-v1.md`
//! (the data contract), plus the vignettes in `shared/spec/examples/`.
//!
//! Layout: helpers; the vignettes; one test per rule; boundaries; precedence and notes;
//! decoding; property tests.

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
        medical: Medical {
            medications: FreeText::parse("gabapentin 300 mg").unwrap(),
            ..Medical::default()
        },
        mood: Some(Mood {
            phq9: items([1, 1, 2, 1, 0, 0, 1, 0, 0]),
            gad7: items([1, 0, 1, 0, 0, 1, 0]),
        }),
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
        assert_eq!(
            r.outcome,
            r.code.outcome(),
            "{} carries its rule's outcome",
            r.code
        );
    }
    e
}

// ---------------------------------------------------------------------------------------
// 1. The vignettes of shared/spec/examples
// ---------------------------------------------------------------------------------------

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/spec/examples");

fn load_examples() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let dir = std::fs::read_dir(EXAMPLES).unwrap_or_else(|e| panic!("reading {EXAMPLES}: {e}"));
    for entry in dir {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                value,
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_example_vignette_gets_its_expected_outcome_reasons_and_scores() {
    let examples = load_examples();
    assert!(
        examples.len() >= 6,
        "expected at least 6 vignettes in {EXAMPLES}, found {}",
        examples.len()
    );

    for (file, example) in &examples {
        let request = ScreeningRequest::from_json(&example["request"], AS_OF)
            .unwrap_or_else(|e| panic!("{file}: request rejected: {e:?}"));
        let expect = &example["expect"];

        let e = request.evaluate();

        assert_eq!(
            json!(e.outcome.as_str()),
            expect["outcome"],
            "{file}: outcome"
        );
        assert_eq!(
            json!(e.safety_alert),
            expect["safety_alert"],
            "{file}: safety_alert"
        );
        assert_eq!(
            serde_json::to_value(e.scores).unwrap(),
            expect["scores"],
            "{file}: scores"
        );
        assert_eq!(
            json!(codes(&e)),
            expect["reason_codes"],
            "{file}: reason codes"
        );
        assert_eq!(e.rules_version, "1", "{file}: rules version");
    }
}

#[test]
fn the_baseline_is_the_refractory_chronic_back_pain_vignette() {
    let examples = load_examples();
    let (_, example) = examples
        .iter()
        .find(|(f, _)| f == "refractory-chronic-back-pain.json")
        .expect("the refractory vignette exists");
    let request = ScreeningRequest::from_json(&example["request"], AS_OF).unwrap();

    assert_eq!(request.clinical, baseline());
    assert_eq!(request.date_of_birth, ADULT);
    assert_eq!(request.as_of, AS_OF);
}

#[test]
fn the_baseline_alone_is_consult_recommended_for_chronic_refractory_pain() {
    let e = eval(&baseline());

    assert_eq!(e.outcome, Outcome::ConsultRecommended);
    assert_eq!(codes(&e), ["chronic_refractory_pain"]);
    assert!(!e.safety_alert);
}

// ---------------------------------------------------------------------------------------
// 2. One test per rule: each fires alone from the baseline
// ---------------------------------------------------------------------------------------

#[test]
fn every_reason_code_of_the_policy_exists_with_the_outcome_of_its_table() {
    let table: &[(&str, &str)] = &[
        ("bladder_or_bowel_change", "emergency"),
        ("saddle_numbness", "emergency"),
        ("both_legs_symptoms", "emergency"),
        ("worsening_leg_weakness", "urgent_care"),
        ("fever_or_chills", "urgent_care"),
        ("cancer_history_new_pain", "urgent_care"),
        ("unexplained_weight_loss", "urgent_care"),
        ("recent_trauma", "urgent_care"),
        ("uncontrolled_blood_pressure", "clinician_review"),
        ("heart_disease", "clinician_review"),
        ("pregnant_or_breastfeeding", "clinician_review"),
        ("psychosis", "clinician_review"),
        ("bipolar_disorder", "clinician_review"),
        ("liver_disease", "clinician_review"),
        ("eye_or_brain_pressure", "clinician_review"),
        ("substance_use", "clinician_review"),
        ("ketamine_reaction", "clinician_review"),
        ("self_harm_thoughts", "clinician_review"),
        ("under_18", "not_yet"),
        ("pain_not_chronic", "not_yet"),
        ("mild_pain", "not_yet"),
        ("few_prior_treatments", "not_yet"),
        ("chronic_refractory_pain", "consult_recommended"),
        ("upcoming_surgery", "consult_recommended"),
        ("crps", "consult_recommended"),
    ];

    let mut in_code: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).collect();
    in_code.sort_unstable();
    let in_spec = sorted(&table.iter().map(|(c, _)| *c).collect::<Vec<_>>());
    assert_eq!(in_code, in_spec);
    for (code, outcome) in table {
        assert_eq!(
            ReasonCode::parse(code).unwrap().outcome().as_str(),
            *outcome,
            "{code}"
        );
    }
}

#[test]
fn outcomes_are_ordered_by_urgency() {
    use Outcome::*;
    assert!(Emergency > UrgentCare);
    assert!(UrgentCare > ClinicianReview);
    assert!(ClinicianReview > NotYet);
    assert!(NotYet > ConsultRecommended);
}

/// One test per rule: the rule fires alone from the baseline and decides the outcome.
macro_rules! rule_fires_alone {
    ($($name:ident: $code:literal => $outcome:ident;)+) => {$(
        #[test]
        fn $name() {
            assert_screening(&[$code], Outcome::$outcome, &[$code]);
        }
    )+};
}

rule_fires_alone! {
    bladder_or_bowel_change_is_an_emergency: "bladder_or_bowel_change" => Emergency;
    saddle_numbness_is_an_emergency: "saddle_numbness" => Emergency;
    both_legs_symptoms_is_an_emergency: "both_legs_symptoms" => Emergency;
    worsening_leg_weakness_needs_urgent_care: "worsening_leg_weakness" => UrgentCare;
    fever_or_chills_needs_urgent_care: "fever_or_chills" => UrgentCare;
    unexplained_weight_loss_needs_urgent_care: "unexplained_weight_loss" => UrgentCare;
    recent_trauma_needs_urgent_care: "recent_trauma" => UrgentCare;
    uncontrolled_blood_pressure_needs_clinician_review: "uncontrolled_blood_pressure" => ClinicianReview;
    heart_disease_needs_clinician_review: "heart_disease" => ClinicianReview;
    pregnant_or_breastfeeding_needs_clinician_review: "pregnant_or_breastfeeding" => ClinicianReview;
    psychosis_needs_clinician_review: "psychosis" => ClinicianReview;
    bipolar_disorder_needs_clinician_review: "bipolar_disorder" => ClinicianReview;
    liver_disease_needs_clinician_review: "liver_disease" => ClinicianReview;
    eye_or_brain_pressure_needs_clinician_review: "eye_or_brain_pressure" => ClinicianReview;
    substance_use_needs_clinician_review: "substance_use" => ClinicianReview;
    ketamine_reaction_needs_clinician_review: "ketamine_reaction" => ClinicianReview;
    self_harm_thoughts_needs_clinician_review: "self_harm_thoughts" => ClinicianReview;
    under_18_is_not_yet: "under_18" => NotYet;
    pain_not_chronic_is_not_yet: "pain_not_chronic" => NotYet;
    mild_pain_is_not_yet: "mild_pain" => NotYet;
    few_prior_treatments_is_not_yet: "few_prior_treatments" => NotYet;
}

#[test]
fn cancer_history_with_pain_under_3_months_needs_urgent_care_and_the_pain_is_also_not_chronic() {
    for duration in [PainDuration::Under6Weeks, PainDuration::From6WeeksTo3Months] {
        let mut c = baseline();
        c.red_flags.cancer_history = true;
        c.pain_duration = duration;

        let e = eval(&c);

        assert_eq!(e.outcome, Outcome::UrgentCare, "{duration}");
        assert_eq!(
            codes(&e),
            ["cancer_history_new_pain", "pain_not_chronic"],
            "{duration}"
        );
    }
}

#[test]
fn cancer_history_with_pain_of_3_months_or_more_is_not_a_red_flag() {
    for duration in [PainDuration::From3To12Months, PainDuration::Over12Months] {
        let mut c = baseline();
        c.red_flags.cancer_history = true;
        c.pain_duration = duration;

        let e = eval(&c);

        assert_eq!(e.outcome, Outcome::ConsultRecommended, "{duration}");
        assert_eq!(codes(&e), ["chronic_refractory_pain"], "{duration}");
    }
}

#[test]
fn pain_not_chronic_fires_for_under_6_weeks_and_6_weeks_to_3_months_only() {
    let fires = |duration| {
        let mut c = baseline();
        c.pain_duration = duration;
        codes(&eval(&c)).contains(&"pain_not_chronic")
    };
    assert!(fires(PainDuration::Under6Weeks));
    assert!(fires(PainDuration::From6WeeksTo3Months));
    assert!(!fires(PainDuration::From3To12Months));
    assert!(!fires(PainDuration::Over12Months));
}

#[test]
fn self_harm_thoughts_fires_for_any_positive_phq9_item_9_and_sets_the_safety_alert() {
    for answer in 1..=3 {
        let mut c = baseline();
        c.mood.as_mut().unwrap().phq9[8] = ItemScore::new(answer).unwrap();

        let e = eval(&c);

        assert_eq!(e.outcome, Outcome::ClinicianReview, "item 9 = {answer}");
        assert_eq!(codes(&e), ["self_harm_thoughts"], "item 9 = {answer}");
        assert!(e.safety_alert, "item 9 = {answer}");
    }
}

#[test]
fn self_harm_thoughts_does_not_fire_when_mood_is_skipped() {
    let mut c = baseline();
    c.mood = None;

    let e = eval(&c);

    assert_eq!(e.outcome, Outcome::ConsultRecommended);
    assert_eq!(codes(&e), ["chronic_refractory_pain"]);
    assert!(!e.safety_alert);
    assert_eq!(e.scores.phq9, None);
    assert_eq!(e.scores.gad7, None);
}

#[test]
fn self_harm_thoughts_does_not_fire_when_item_9_is_0_even_if_every_other_item_is_3() {
    let mut c = baseline();
    c.mood = Some(Mood {
        phq9: items([3, 3, 3, 3, 3, 3, 3, 3, 0]),
        gad7: items([3; 7]),
    });

    let e = eval(&c);

    assert_eq!(e.outcome, Outcome::ConsultRecommended);
    assert_eq!(codes(&e), ["chronic_refractory_pain"]);
    assert!(!e.safety_alert);
    assert_eq!(e.scores.phq9, Some(24));
    assert_eq!(e.scores.phq9_band, Some(Phq9Band::Severe));
}

#[test]
fn the_safety_alert_is_raised_whatever_the_outcome() {
    let e = assert_screening(
        &["saddle_numbness", "self_harm_thoughts"],
        Outcome::Emergency,
        &["saddle_numbness", "self_harm_thoughts"],
    );
    assert!(e.safety_alert);

    let e = assert_screening(
        &["self_harm_thoughts", "pain_not_chronic"],
        Outcome::ClinicianReview,
        &["self_harm_thoughts", "pain_not_chronic"],
    );
    assert!(e.safety_alert);
}

#[test]
fn no_other_rule_raises_the_safety_alert() {
    for code in RULE_CODES.iter().filter(|c| **c != "self_harm_thoughts") {
        let mut c = baseline();
        let mut born = ADULT;
        trigger(code, &mut c, &mut born);
        assert!(!evaluate(&c, born, AS_OF).safety_alert, "{code}");
    }
}

// ---------------------------------------------------------------------------------------
// 3. Boundaries
// ---------------------------------------------------------------------------------------

fn under_18_fires(born: Date, as_of: Date) -> bool {
    codes(&evaluate(&baseline(), born, as_of)).contains(&"under_18")
}

#[test]
fn a_patient_is_18_on_the_18th_birthday_and_17_the_day_before() {
    let born = date(2008, 11, 23);

    assert_eq!(age_on(born, date(2026, 11, 23)), 18);
    assert_eq!(age_on(born, date(2026, 11, 22)), 17);
    assert!(!under_18_fires(born, date(2026, 11, 23)));
    assert!(under_18_fires(born, date(2026, 11, 22)));
    assert_eq!(
        evaluate(&baseline(), born, date(2026, 11, 22)).outcome,
        Outcome::NotYet
    );
    assert_eq!(
        evaluate(&baseline(), born, date(2026, 11, 23)).outcome,
        Outcome::ConsultRecommended
    );
}

#[test]
fn someone_born_on_29_february_turns_18_on_1_march_of_a_non_leap_year() {
    let born = date(2008, 2, 29);

    assert_eq!(age_on(born, date(2026, 2, 28)), 17);
    assert_eq!(age_on(born, date(2026, 3, 1)), 18);
    assert!(under_18_fires(born, date(2026, 2, 28)));
    assert!(!under_18_fires(born, date(2026, 3, 1)));
}

#[test]
fn someone_born_on_29_february_has_a_birthday_on_29_february_of_a_leap_year() {
    // 18 years after a leap year is never a leap year, so check the later birthdays too.
    let born = date(2008, 2, 29);
    assert_eq!(age_on(born, date(2028, 2, 28)), 19);
    assert_eq!(age_on(born, date(2028, 2, 29)), 20);
    assert_eq!(age_on(born, date(2028, 3, 1)), 20);

    let young = date(2012, 2, 29);
    assert_eq!(age_on(young, date(2028, 2, 28)), 15);
    assert_eq!(age_on(young, date(2028, 2, 29)), 16);
    assert!(under_18_fires(young, date(2028, 2, 29)));
}

#[test]
fn peg_is_the_mean_of_three_ratings_rounded_half_up_to_one_decimal() {
    let cases: &[((u8, u8, u8), &str)] = &[
        ((5, 6, 6), "5.7"), // 17/3 = 5.666…
        ((5, 5, 6), "5.3"), // 16/3 = 5.333…
        ((3, 4, 4), "3.7"), // 11/3 = 3.666…
        ((4, 4, 4), "4.0"), // 12/3
        ((7, 6, 8), "7.0"), // the vignettes
        ((0, 0, 1), "0.3"), // 1/3 = 0.333…
        ((0, 1, 1), "0.7"), // 2/3 = 0.666…
        ((0, 0, 0), "0.0"),
        ((10, 10, 10), "10.0"),
    ];
    for &((a, b, c), expected) in cases {
        let mut clinical = baseline();
        with_pain(&mut clinical, a, b, c);

        let peg = eval(&clinical).scores.peg;

        assert_eq!(peg, Peg::from_ratings(a, b, c));
        assert_eq!(format!("{:.1}", peg.value()), expected, "{a}+{b}+{c}");
        let expected_number: f64 = expected.parse().unwrap();
        assert_eq!(
            serde_json::to_value(peg).unwrap(),
            json!(expected_number),
            "{a}+{b}+{c}"
        );
    }
}

#[test]
fn peg_rounding_is_right_for_every_possible_sum() {
    for sum in 0u8..=30 {
        let (a, b, c) = (
            sum.min(10),
            sum.saturating_sub(10).min(10),
            sum.saturating_sub(20),
        );
        // sum/3 in tenths is q + r/3; round up when the remainder is at least a half.
        let (q, r) = (u32::from(sum) * 10 / 3, u32::from(sum) * 10 % 3);
        let expected = if 2 * r >= 3 { q + 1 } else { q };

        assert_eq!(
            u32::from(Peg::from_ratings(a, b, c).tenths()),
            expected,
            "sum {sum}"
        );
    }
}

fn mild_pain_fires(average: u8, enjoyment: u8, activity: u8) -> bool {
    let mut c = baseline();
    with_pain(&mut c, average, enjoyment, activity);
    codes(&eval(&c)).contains(&"mild_pain")
}

#[test]
fn mild_pain_needs_average_under_4_and_peg_under_4_together() {
    // average 3, PEG 12/3 = 4.0: the PEG is not mild
    assert!(!mild_pain_fires(3, 4, 5));
    // average 4, PEG 11/3 = 3.7: the average is not mild
    assert!(!mild_pain_fires(4, 4, 3));
    // average 3, PEG 11/3 = 3.7: both mild
    assert!(mild_pain_fires(3, 4, 4));
    // far from the edges
    assert!(mild_pain_fires(0, 0, 0));
    assert!(!mild_pain_fires(10, 0, 0));
    assert!(!mild_pain_fires(0, 10, 10));
}

fn few_prior_treatments_fires(
    treatments: &[(TreatmentKind, TreatmentResult)],
    surgery: bool,
) -> bool {
    let mut c = baseline();
    c.treatments = treatments.iter().map(|&(k, r)| treatment(k, r)).collect();
    c.upcoming_surgery = surgery;
    codes(&eval(&c)).contains(&"few_prior_treatments")
}

#[test]
fn few_prior_treatments_fires_for_0_or_1_treatments_without_good_relief() {
    use TreatmentKind::*;
    use TreatmentResult::*;
    assert!(few_prior_treatments_fires(&[], false));
    for result in [NoRelief, SomeRelief, SideEffects] {
        assert!(
            few_prior_treatments_fires(&[(Nsaids, result)], false),
            "{result}"
        );
    }
}

#[test]
fn few_prior_treatments_does_not_fire_for_2_treatments_without_good_relief() {
    use TreatmentKind::*;
    use TreatmentResult::*;
    for (first, second) in [
        (NoRelief, SomeRelief),
        (SideEffects, NoRelief),
        (SomeRelief, SomeRelief),
    ] {
        assert!(!few_prior_treatments_fires(
            &[(Nsaids, first), (Opioids, second)],
            false
        ));
    }
}

#[test]
fn few_prior_treatments_does_not_count_treatments_that_gave_good_relief() {
    use TreatmentKind::*;
    use TreatmentResult::*;
    let mostly_good = [
        (Nsaids, GoodRelief),
        (Opioids, GoodRelief),
        (Injections, GoodRelief),
        (Chiropractic, NoRelief),
    ];
    assert!(few_prior_treatments_fires(&mostly_good, false));
    assert!(few_prior_treatments_fires(&mostly_good[..3], false));
}

#[test]
fn upcoming_surgery_suppresses_few_prior_treatments() {
    assert!(!few_prior_treatments_fires(&[], true));

    let mut c = baseline();
    c.treatments.clear();
    c.upcoming_surgery = true;
    let e = eval(&c);
    assert_eq!(e.outcome, Outcome::ConsultRecommended);
    assert_eq!(codes(&e), ["chronic_refractory_pain", "upcoming_surgery"]);
}

fn phq9_scores(total: u8) -> Scores {
    let mut c = baseline();
    c.mood = Some(Mood {
        phq9: items_summing(total),
        gad7: items([0; 7]),
    });
    scores(&c)
}

fn gad7_scores(total: u8) -> Scores {
    let mut c = baseline();
    c.mood = Some(Mood {
        phq9: items([0; 9]),
        gad7: items_summing(total),
    });
    scores(&c)
}

#[test]
fn phq9_is_the_sum_of_nine_items_banded_at_5_10_15_and_20() {
    let cases = [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ];
    for (total, band) in cases {
        let s = serde_json::to_value(phq9_scores(total)).unwrap();
        assert_eq!(s["phq9"], json!(total), "PHQ-9 {total}");
        assert_eq!(s["phq9_band"], json!(band), "PHQ-9 {total}");
        assert_eq!(Phq9Band::of(total).as_str(), band);
    }
}

#[test]
fn gad7_is_the_sum_of_seven_items_banded_at_5_10_and_15() {
    let cases = [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ];
    for (total, band) in cases {
        let s = serde_json::to_value(gad7_scores(total)).unwrap();
        assert_eq!(s["gad7"], json!(total), "GAD-7 {total}");
        assert_eq!(s["gad7_band"], json!(band), "GAD-7 {total}");
        assert_eq!(Gad7Band::of(total).as_str(), band);
    }
}

#[test]
fn scores_without_mood_are_null_but_peg_is_always_given() {
    let mut c = baseline();
    c.mood = None;

    let s = serde_json::to_value(scores(&c)).unwrap();

    assert_eq!(
        s,
        json!({"peg": 7.0, "phq9": null, "phq9_band": null, "gad7": null, "gad7_band": null})
    );
}

// ---------------------------------------------------------------------------------------
// 4. Precedence, and the notes that never change the outcome
// ---------------------------------------------------------------------------------------

#[test]
fn emergency_outranks_urgent_care_and_both_reasons_are_returned() {
    assert_screening(
        &["both_legs_symptoms", "fever_or_chills"],
        Outcome::Emergency,
        &["both_legs_symptoms", "fever_or_chills"],
    );
}

#[test]
fn urgent_care_outranks_clinician_review_and_both_reasons_are_returned() {
    assert_screening(
        &["recent_trauma", "heart_disease"],
        Outcome::UrgentCare,
        &["recent_trauma", "heart_disease"],
    );
}

#[test]
fn clinician_review_outranks_not_yet_and_both_reasons_are_returned() {
    assert_screening(
        &["psychosis", "few_prior_treatments"],
        Outcome::ClinicianReview,
        &["psychosis", "few_prior_treatments"],
    );
}

#[test]
fn not_yet_outranks_consult_recommended_which_then_gives_no_reason() {
    for code in [
        "under_18",
        "pain_not_chronic",
        "mild_pain",
        "few_prior_treatments",
    ] {
        assert_screening(&[code], Outcome::NotYet, &[code]);
    }
}

#[test]
fn emergency_outranks_clinician_review_and_not_yet() {
    assert_screening(
        &["bladder_or_bowel_change", "substance_use", "under_18"],
        Outcome::Emergency,
        &["bladder_or_bowel_change", "substance_use", "under_18"],
    );
}

#[test]
fn urgent_care_outranks_not_yet() {
    assert_screening(
        &["unexplained_weight_loss", "mild_pain"],
        Outcome::UrgentCare,
        &["unexplained_weight_loss", "mild_pain"],
    );
}

#[test]
fn clinician_review_outranks_several_not_yet_rules() {
    assert_screening(
        &[
            "ketamine_reaction",
            "pain_not_chronic",
            "mild_pain",
            "few_prior_treatments",
        ],
        Outcome::ClinicianReview,
        &[
            "ketamine_reaction",
            "pain_not_chronic",
            "mild_pain",
            "few_prior_treatments",
        ],
    );
}

#[test]
fn when_every_rule_fires_the_outcome_is_emergency_and_every_reason_is_returned() {
    let mut c = baseline();
    c.conditions.push(Condition::Crps);
    let mut born = ADULT;
    for code in RULE_CODES {
        trigger(code, &mut c, &mut born);
    }

    let e = evaluate(&c, born, AS_OF);

    assert_eq!(e.outcome, Outcome::Emergency);
    assert_eq!(codes(&e), sorted(&RULE_CODES));
    assert!(e.safety_alert);
}

#[test]
fn reasons_are_listed_most_urgent_first() {
    let e = assert_screening(
        &[
            "mild_pain",
            "heart_disease",
            "fever_or_chills",
            "saddle_numbness",
        ],
        Outcome::Emergency,
        &[
            "mild_pain",
            "heart_disease",
            "fever_or_chills",
            "saddle_numbness",
        ],
    );
    let outcomes: Vec<Outcome> = e.reasons.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Emergency,
            Outcome::UrgentCare,
            Outcome::ClinicianReview,
            Outcome::NotYet
        ]
    );
}

#[test]
fn crps_is_noted_when_a_consult_is_recommended() {
    let mut c = baseline();
    c.conditions = vec![Condition::Crps, Condition::Neuropathic];

    let e = eval(&c);

    assert_eq!(e.outcome, Outcome::ConsultRecommended);
    assert_eq!(codes(&e), ["chronic_refractory_pain", "crps"]);
}

#[test]
fn upcoming_surgery_is_noted_when_a_consult_is_recommended() {
    let mut c = baseline();
    c.upcoming_surgery = true;

    let e = eval(&c);

    assert_eq!(e.outcome, Outcome::ConsultRecommended);
    assert_eq!(codes(&e), ["chronic_refractory_pain", "upcoming_surgery"]);
}

#[test]
fn crps_with_pain_not_chronic_is_not_yet_without_the_crps_note() {
    let mut c = baseline();
    c.conditions = vec![Condition::Crps];
    c.pain_duration = PainDuration::From6WeeksTo3Months;

    let e = eval(&c);

    assert_eq!(e.outcome, Outcome::NotYet);
    assert_eq!(codes(&e), ["pain_not_chronic"]);
}

#[test]
fn the_notes_are_dropped_whenever_a_more_urgent_outcome_wins() {
    for code in RULE_CODES {
        let mut c = baseline();
        c.conditions.push(Condition::Crps);
        c.upcoming_surgery = true;
        let mut born = ADULT;
        trigger(code, &mut c, &mut born);

        let e = evaluate(&c, born, AS_OF);

        // few_prior_treatments is suppressed by the surgery itself; every other rule wins.
        if code == "few_prior_treatments" {
            assert_eq!(
                codes(&e),
                ["chronic_refractory_pain", "crps", "upcoming_surgery"]
            );
        } else {
            assert_ne!(e.outcome, Outcome::ConsultRecommended, "{code}");
            for note in ["chronic_refractory_pain", "crps", "upcoming_surgery"] {
                assert!(
                    !codes(&e).contains(&note),
                    "{note} noted although {code} fired"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// 5. Decoding untrusted JSON
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
            "gad7": [1, 1, 0, 0, 0, 0, 0]
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
    let mut v: Errors = errors
        .iter()
        .map(|e| (e.field.clone(), e.problem.code().as_str()))
        .collect();
    v.sort();
    v
}

/// Every error of an intake as sorted `(field, code)` pairs; empty when it is accepted.
fn intake_errors(value: &Value) -> Errors {
    IntakeAnswers::from_json(value, AS_OF)
        .err()
        .map(listed)
        .unwrap_or_default()
}

fn request_errors(value: &Value) -> Errors {
    ScreeningRequest::from_json(value, AS_OF)
        .err()
        .map(listed)
        .unwrap_or_default()
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

#[test]
fn the_contract_example_intake_is_accepted() {
    let answers = IntakeAnswers::from_json(&valid_intake(), AS_OF).expect("valid");

    assert_eq!(answers.schema_version, 1);
    assert_eq!(answers.patient.first_name.as_str(), "Jane");
    assert_eq!(answers.patient.date_of_birth, date(1980, 4, 2));
    assert_eq!(answers.patient.phone.as_str(), "2145550182");
    assert_eq!(answers.clinical.pain.average_week.get(), 6);
    assert_eq!(answers.clinical.treatments.len(), 2);
    assert_eq!(
        answers.insurance.member_id.as_ref().map(MemberId::as_str),
        Some("XYZ123456789")
    );
    assert!(
        answers.consent.privacy_notice && answers.consent.contact && answers.consent.attestation
    );
}

#[test]
fn an_accepted_intake_survives_a_serde_round_trip() {
    let answers = IntakeAnswers::from_json(&valid_intake(), AS_OF).unwrap();

    let stored = serde_json::to_value(&answers).unwrap();
    let read_back: IntakeAnswers = serde_json::from_value(stored.clone()).unwrap();

    assert_eq!(read_back, answers);
    assert_eq!(IntakeAnswers::from_json(&stored, AS_OF).unwrap(), answers);
}

#[test]
fn an_unknown_field_is_reported_with_its_path() {
    assert_intake_errors(
        with(valid_intake(), "clinical.pain.extra", json!(1)),
        &[("clinical.pain.extra", "unknown_field")],
    );
    assert_intake_errors(
        with(valid_intake(), "extra", json!(null)),
        &[("extra", "unknown_field")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.treatments.0.dose", json!("x")),
        &[("clinical.treatments.0.dose", "unknown_field")],
    );
}

#[test]
fn a_missing_or_null_field_is_required() {
    assert_intake_errors(
        without(valid_intake(), "clinical.red_flags.saddle_numbness"),
        &[("clinical.red_flags.saddle_numbness", "required")],
    );
    assert_intake_errors(
        without(valid_intake(), "patient.first_name"),
        &[("patient.first_name", "required")],
    );
    assert_intake_errors(
        with(valid_intake(), "patient.first_name", json!(null)),
        &[("patient.first_name", "required")],
    );
    assert_intake_errors(
        without(valid_intake(), "consent"),
        &[("consent", "required")],
    );
    assert_intake_errors(
        without(valid_intake(), "schema_version"),
        &[("schema_version", "required")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.phq9.2", json!(null)),
        &[("clinical.mood.phq9.2", "required")],
    );
}

#[test]
fn a_value_of_the_wrong_kind_is_a_type_error() {
    let cases: &[(&str, Value)] = &[
        ("clinical.upcoming_surgery", json!("no")),
        ("clinical.pain.current", json!("7")),
        ("clinical.pain.current", json!(7.5)),
        ("clinical.conditions", json!("crps")),
        ("clinical.red_flags", json!([])),
        ("patient", json!("Jane Doe")),
        ("patient.first_name", json!(42)),
        ("locale", json!(1)),
        ("schema_version", json!("1")),
    ];
    for (path, bad) in cases {
        assert_eq!(
            intake_errors(&with(valid_intake(), path, bad.clone())),
            errs(&[(*path, "type")]),
            "{path} = {bad}"
        );
    }
    assert_eq!(
        intake_errors(&json!([valid_intake()])),
        errs(&[("", "type")])
    );
}

#[test]
fn an_unknown_enum_value_is_an_invalid_choice() {
    let cases: &[(&str, Value)] = &[
        ("locale", json!("fr")),
        ("patient.sex_at_birth", json!("other")),
        ("patient.preferred_contact", json!("fax")),
        ("clinical.pain_duration", json!("forever")),
        ("clinical.conditions.0", json!("migraine")),
        ("clinical.diagnostics.1", json!("ultrasound")),
        ("clinical.treatments.0.kind", json!("yoga")),
        ("clinical.treatments.0.result", json!("great")),
        ("insurance.plan", json!("aetna")),
        ("insurance.subscriber", json!("child")),
    ];
    for (path, bad) in cases {
        assert_eq!(
            intake_errors(&with(valid_intake(), path, bad.clone())),
            errs(&[(*path, "invalid_choice")]),
            "{path} = {bad}"
        );
    }
}

#[test]
fn a_rating_outside_0_to_10_is_out_of_range() {
    assert_intake_errors(
        with(valid_intake(), "clinical.pain.average_week", json!(11)),
        &[("clinical.pain.average_week", "range")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.pain.current", json!(-1)),
        &[("clinical.pain.current", "range")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.pain.worst_week", json!(u64::MAX)),
        &[("clinical.pain.worst_week", "range")],
    );
    for edge in [0, 10] {
        assert_intake_errors(
            with(valid_intake(), "clinical.pain.average_week", json!(edge)),
            &[],
        );
    }
}

#[test]
fn a_mood_item_outside_0_to_3_is_out_of_range_at_its_index() {
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.phq9.3", json!(4)),
        &[("clinical.mood.phq9.3", "range")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.gad7.6", json!(-1)),
        &[("clinical.mood.gad7.6", "range")],
    );
    assert_intake_errors(with(valid_intake(), "clinical.mood.phq9.8", json!(3)), &[]);
}

#[test]
fn a_questionnaire_with_the_wrong_number_of_items_is_a_length_error() {
    assert_intake_errors(
        with(
            valid_intake(),
            "clinical.mood.phq9",
            json!([0, 0, 0, 0, 0, 0, 0, 0]),
        ),
        &[("clinical.mood.phq9", "length")],
    );
    assert_intake_errors(
        with(
            valid_intake(),
            "clinical.mood.phq9",
            json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ),
        &[("clinical.mood.phq9", "length")],
    );
    assert_intake_errors(
        with(
            valid_intake(),
            "clinical.mood.gad7",
            json!([0, 0, 0, 0, 0, 0, 0, 0]),
        ),
        &[("clinical.mood.gad7", "length")],
    );
}

#[test]
fn the_mood_section_may_be_skipped_with_null() {
    let answers =
        IntakeAnswers::from_json(&with(valid_intake(), "clinical.mood", json!(null)), AS_OF)
            .unwrap();
    assert_eq!(answers.clinical.mood, None);
}

#[test]
fn a_repeated_choice_is_a_duplicate_at_the_index_of_the_repeat() {
    assert_intake_errors(
        with(
            valid_intake(),
            "clinical.conditions",
            json!(["crps", "crps"]),
        ),
        &[("clinical.conditions.1", "duplicate")],
    );
    assert_intake_errors(
        with(
            valid_intake(),
            "clinical.diagnostics",
            json!(["xray", "emg", "xray"]),
        ),
        &[("clinical.diagnostics.2", "duplicate")],
    );
}

#[test]
fn a_treatment_kind_given_twice_is_a_duplicate_even_with_another_result() {
    let treatments = json!([
        { "kind": "nsaids", "result": "some_relief" },
        { "kind": "nsaids", "result": "no_relief" }
    ]);
    assert_intake_errors(
        with(valid_intake(), "clinical.treatments", treatments),
        &[("clinical.treatments.1", "duplicate")],
    );
}

#[test]
fn each_consent_must_be_accepted() {
    for consent in ["privacy_notice", "contact", "attestation"] {
        let path = format!("consent.{consent}");
        assert_intake_errors(
            with(valid_intake(), &path, json!(false)),
            &[(path.as_str(), "must_accept")],
        );
    }
}

#[test]
fn the_signature_is_2_to_200_characters() {
    assert_intake_errors(
        with(valid_intake(), "consent.signature", json!("J")),
        &[("consent.signature", "length")],
    );
    assert_intake_errors(
        with(valid_intake(), "consent.signature", json!("J".repeat(201))),
        &[("consent.signature", "length")],
    );
    assert_intake_errors(
        with(valid_intake(), "consent.signature", json!("J".repeat(200))),
        &[],
    );
}

#[test]
fn contact_by_email_needs_an_email_address() {
    let by_email = with(valid_intake(), "patient.preferred_contact", json!("email"));

    assert_intake_errors(by_email.clone(), &[]);
    assert_intake_errors(
        with(by_email.clone(), "patient.email", json!(null)),
        &[("patient.email", "format")],
    );
    assert_intake_errors(
        without(by_email.clone(), "patient.email"),
        &[("patient.email", "format")],
    );
    assert_intake_errors(
        with(by_email, "patient.email", json!("not-an-address")),
        &[("patient.email", "format")],
    );
    // Another contact method needs no address.
    assert_intake_errors(with(valid_intake(), "patient.email", json!(null)), &[]);
}

#[test]
fn contact_by_email_without_an_address_says_so_precisely() {
    let value = with(
        with(valid_intake(), "patient.preferred_contact", json!("email")),
        "patient.email",
        json!(null),
    );
    let errors = IntakeAnswers::from_json(&value, AS_OF).unwrap_err();
    assert_eq!(
        errors.0[0].problem,
        Problem::Format(Format::EmailForContact)
    );
}

#[test]
fn member_id_is_required_unless_self_pay() {
    for plan in ["bcbs_tx", "uhc", "cigna"] {
        let value = without(
            with(valid_intake(), "insurance.plan", json!(plan)),
            "insurance.member_id",
        );
        assert_intake_errors(value, &[("insurance.member_id", "required")]);
    }
    let other = with(
        with(valid_intake(), "insurance.plan", json!("other")),
        "insurance.other_payer_name",
        json!("Aetna"),
    );
    assert_intake_errors(
        with(other, "insurance.member_id", json!(null)),
        &[("insurance.member_id", "required")],
    );

    let self_pay = with(valid_intake(), "insurance.plan", json!("self_pay"));
    assert_intake_errors(
        with(self_pay.clone(), "insurance.member_id", json!(null)),
        &[],
    );
    assert_intake_errors(without(self_pay, "insurance.member_id"), &[]);
}

#[test]
fn member_and_group_numbers_take_only_letters_digits_and_dashes() {
    assert_intake_errors(
        with(valid_intake(), "insurance.member_id", json!("XYZ*123")),
        &[("insurance.member_id", "format")],
    );
    assert_intake_errors(
        with(valid_intake(), "insurance.group_number", json!("G~1")),
        &[("insurance.group_number", "format")],
    );
    assert_intake_errors(
        with(valid_intake(), "insurance.group_number", json!("G-100")),
        &[],
    );
}

#[test]
fn other_payer_name_is_required_if_and_only_if_the_plan_is_other() {
    let other = with(valid_intake(), "insurance.plan", json!("other"));
    assert_intake_errors(other.clone(), &[("insurance.other_payer_name", "required")]);

    let named = IntakeAnswers::from_json(
        &with(other, "insurance.other_payer_name", json!("Aetna")),
        AS_OF,
    )
    .unwrap();
    assert_eq!(
        named
            .insurance
            .other_payer_name
            .as_ref()
            .map(PayerName::as_str),
        Some("Aetna")
    );

    // For any other plan it is not asked, and a stale answer is dropped.
    let stale = IntakeAnswers::from_json(
        &with(valid_intake(), "insurance.other_payer_name", json!("Aetna")),
        AS_OF,
    )
    .unwrap();
    assert_eq!(stale.insurance.other_payer_name, None);
}

#[test]
fn a_spouse_subscriber_needs_a_name_and_date_of_birth() {
    let spouse = with(valid_intake(), "insurance.subscriber", json!("spouse"));
    assert_intake_errors(
        spouse.clone(),
        &[
            ("insurance.subscriber_date_of_birth", "required"),
            ("insurance.subscriber_name", "required"),
        ],
    );

    let complete = with(
        with(spouse, "insurance.subscriber_name", json!("John Doe")),
        "insurance.subscriber_date_of_birth",
        json!("1978-01-15"),
    );
    let answers = IntakeAnswers::from_json(&complete, AS_OF).unwrap();
    assert_eq!(answers.insurance.subscriber, Subscriber::Spouse);
    assert_eq!(
        answers.insurance.subscriber_date_of_birth,
        Some(date(1978, 1, 15))
    );
}

#[test]
fn subscriber_details_are_not_needed_for_self_pay() {
    let self_pay_spouse = with(
        with(valid_intake(), "insurance.plan", json!("self_pay")),
        "insurance.subscriber",
        json!("spouse"),
    );
    let answers = IntakeAnswers::from_json(&self_pay_spouse, AS_OF).unwrap();
    assert_eq!(answers.insurance.subscriber, Subscriber::SelfInsured);
    assert_eq!(answers.insurance.subscriber_name, None);
}

#[test]
fn a_date_of_birth_in_the_future_is_a_format_error() {
    assert_intake_errors(
        with(valid_intake(), "patient.date_of_birth", json!("2026-11-24")),
        &[("patient.date_of_birth", "format")],
    );
    assert_intake_errors(
        with(valid_intake(), "patient.date_of_birth", json!("2026-11-23")),
        &[],
    );
}

#[test]
fn a_date_of_birth_more_than_120_years_ago_is_a_format_error() {
    // 121 on AS_OF
    assert_intake_errors(
        with(valid_intake(), "patient.date_of_birth", json!("1905-11-23")),
        &[("patient.date_of_birth", "format")],
    );
    // 120 on AS_OF, and a day from turning 121
    assert_intake_errors(
        with(valid_intake(), "patient.date_of_birth", json!("1906-11-23")),
        &[],
    );
    assert_intake_errors(
        with(valid_intake(), "patient.date_of_birth", json!("1905-11-24")),
        &[],
    );
}

#[test]
fn a_date_must_be_a_real_iso_date() {
    for bad in [
        "1980-02-30",
        "02/04/1980",
        "1980-4-2",
        "19800402",
        "",
        "1980-04-02T00:00:00",
    ] {
        assert_eq!(
            intake_errors(&with(valid_intake(), "patient.date_of_birth", json!(bad))),
            errs(&[("patient.date_of_birth", "format")]),
            "{bad:?}"
        );
    }
}

#[test]
fn only_schema_version_1_is_read() {
    for version in [json!(2), json!(0)] {
        let errors = intake_errors(&with(valid_intake(), "schema_version", version.clone()));
        assert_eq!(errors.len(), 1, "{version}: {errors:?}");
        assert_eq!(errors[0].0, "schema_version");
    }
    let errors = request_errors(&with(valid_request(), "schema_version", json!(2)));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "schema_version");
}

#[test]
fn x12_delimiters_are_refused_in_names() {
    for delimiter in ["~", "*", ":", "^"] {
        let name = format!("Ja{delimiter}ne");
        assert_intake_errors(
            with(valid_intake(), "patient.first_name", json!(name)),
            &[("patient.first_name", "format")],
        );
        assert_intake_errors(
            with(valid_intake(), "patient.last_name", json!(name)),
            &[("patient.last_name", "format")],
        );
    }
    let other = with(valid_intake(), "insurance.plan", json!("other"));
    assert_intake_errors(
        with(other, "insurance.other_payer_name", json!("Ae~tna")),
        &[("insurance.other_payer_name", "format")],
    );
    let spouse = with(
        with(valid_intake(), "insurance.subscriber", json!("spouse")),
        "insurance.subscriber_date_of_birth",
        json!("1978-01-15"),
    );
    assert_intake_errors(
        with(spouse, "insurance.subscriber_name", json!("John*Doe")),
        &[("insurance.subscriber_name", "format")],
    );
}

#[test]
fn names_are_1_to_100_characters_after_trimming() {
    assert_intake_errors(
        with(valid_intake(), "patient.first_name", json!("   ")),
        &[("patient.first_name", "length")],
    );
    assert_intake_errors(
        with(valid_intake(), "patient.last_name", json!("x".repeat(101))),
        &[("patient.last_name", "length")],
    );
    assert_intake_errors(
        with(valid_intake(), "patient.last_name", json!("x".repeat(100))),
        &[],
    );
}

#[test]
fn free_text_is_accepted_up_to_its_limit_and_refused_one_character_beyond() {
    // Counted in characters, not bytes: 'ñ' is two bytes in UTF-8.
    let limits = [
        ("clinical.symptoms.other", 1000),
        ("clinical.medical.medications", 2000),
        ("clinical.medical.allergies", 1000),
    ];
    for (path, max) in limits {
        assert_intake_errors(with(valid_intake(), path, json!("ñ".repeat(max))), &[]);
        assert_intake_errors(
            with(valid_intake(), path, json!("ñ".repeat(max + 1))),
            &[(path, "length")],
        );
    }
}

#[test]
fn every_offending_field_is_listed_at_once() {
    let mut value = valid_intake();
    for (path, bad) in [
        ("extra", json!(true)),
        ("patient.first_name", json!("Ja^ne")),
        ("patient.zip", json!("7520")),
        ("clinical.pain.average_week", json!(11)),
        ("clinical.pain_duration", json!("forever")),
        ("clinical.mood.phq9.3", json!(4)),
        ("clinical.conditions", json!(["crps", "crps"])),
        ("insurance.member_id", json!(null)),
        ("consent.contact", json!(false)),
    ] {
        value = with(value, path, bad);
    }
    value = without(value, "clinical.red_flags.recent_trauma");

    assert_intake_errors(
        value,
        &[
            ("extra", "unknown_field"),
            ("patient.first_name", "format"),
            ("patient.zip", "format"),
            ("clinical.pain.average_week", "range"),
            ("clinical.pain_duration", "invalid_choice"),
            ("clinical.mood.phq9.3", "range"),
            ("clinical.conditions.1", "duplicate"),
            ("clinical.red_flags.recent_trauma", "required"),
            ("insurance.member_id", "required"),
            ("consent.contact", "must_accept"),
        ],
    );
}

#[test]
fn the_contract_example_screening_request_is_accepted() {
    let request = ScreeningRequest::from_json(&valid_request(), AS_OF).unwrap();

    assert_eq!(request.date_of_birth, date(1980, 4, 2));
    assert_eq!(request.as_of, AS_OF);
    assert_eq!(request.evaluate().outcome, Outcome::ConsultRecommended);
}

#[test]
fn a_screening_request_without_as_of_is_evaluated_today() {
    let today = date(2027, 1, 5);
    let request = ScreeningRequest::from_json(&without(valid_request(), "as_of"), today).unwrap();
    assert_eq!(request.as_of, today);

    let request =
        ScreeningRequest::from_json(&with(valid_request(), "as_of", json!(null)), today).unwrap();
    assert_eq!(request.as_of, today);
}

#[test]
fn a_screening_request_lists_every_offending_field_with_its_path() {
    let mut value = with(valid_request(), "clinical.pain.average_week", json!(11));
    value = with(value, "clinical.mood.phq9", json!([0, 0, 0, 0, 0, 0, 0, 0]));
    value = with(value, "as_of", json!("23/11/2026"));
    value = with(value, "patient", json!({}));
    value = without(value, "date_of_birth");

    assert_eq!(
        request_errors(&value),
        errs(&[
            ("as_of", "format"),
            ("clinical.mood.phq9", "length"),
            ("clinical.pain.average_week", "range"),
            ("date_of_birth", "required"),
            ("patient", "unknown_field"),
        ])
    );
}

#[test]
fn a_screening_request_date_of_birth_after_the_evaluation_date_is_refused() {
    let value = with(valid_request(), "date_of_birth", json!("2026-11-24"));
    assert_eq!(request_errors(&value), errs(&[("date_of_birth", "format")]));
}

#[test]
fn a_screening_request_that_is_not_an_object_is_a_type_error() {
    for value in [json!(null), json!([]), json!("screen me"), json!(1)] {
        assert_eq!(request_errors(&value), errs(&[("", "type")]), "{value}");
        assert_eq!(intake_errors(&value), errs(&[("", "type")]), "{value}");
    }
}

// ---------------------------------------------------------------------------------------
// 6. Property tests
// ---------------------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::collection::{btree_map, vec};
    use proptest::prelude::*;
    use proptest::sample::{select, subsequence};

    /// Failures are reported, not persisted (no regression files in the tree).
    fn config() -> ProptestConfig {
        ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    fn arb_rating() -> impl Strategy<Value = PainRating> {
        (0u8..=10).prop_map(rating)
    }

    fn arb_item() -> impl Strategy<Value = ItemScore> {
        (0u8..=3).prop_map(|n| ItemScore::new(n).unwrap())
    }

    fn arb_text<const MAX: usize>() -> impl Strategy<Value = FreeText<MAX>> {
        "\\PC{0,40}".prop_map(|s| FreeText::parse(&s).unwrap())
    }

    /// A unique subset of `all`, in any order.
    fn arb_unique<T: Clone + std::fmt::Debug + 'static>(
        all: &'static [T],
    ) -> impl Strategy<Value = Vec<T>> {
        subsequence(all, 0..=all.len()).prop_shuffle()
    }

    fn arb_treatments() -> impl Strategy<Value = Vec<Treatment>> {
        arb_unique(TreatmentKind::ALL)
            .prop_flat_map(|kinds| {
                let n = kinds.len();
                (Just(kinds), vec(select(TreatmentResult::ALL), n))
            })
            .prop_map(|(kinds, results)| {
                kinds
                    .into_iter()
                    .zip(results)
                    .map(|(k, r)| treatment(k, r))
                    .collect()
            })
    }

    fn arb_mood() -> impl Strategy<Value = Option<Mood>> {
        proptest::option::of(
            (
                proptest::array::uniform9(arb_item()),
                proptest::array::uniform7(arb_item()),
            )
                .prop_map(|(phq9, gad7)| Mood { phq9, gad7 }),
        )
    }

    pub(super) fn arb_clinical() -> impl Strategy<Value = Clinical> {
        let red_flags = any::<[bool; 8]>().prop_map(|b| RedFlags {
            bladder_or_bowel_change: b[0],
            saddle_numbness: b[1],
            both_legs_symptoms: b[2],
            worsening_leg_weakness: b[3],
            fever_or_chills: b[4],
            cancer_history: b[5],
            unexplained_weight_loss: b[6],
            recent_trauma: b[7],
        });
        let symptoms = (any::<[bool; 5]>(), arb_text::<1000>()).prop_map(|(b, other)| Symptoms {
            shooting_pain_bending_lifting: b[0],
            severe_pain_turning_in_bed: b[1],
            flare_ups: b[2],
            morning_stiffness: b[3],
            radiating_pain: b[4],
            other,
        });
        let pain = proptest::array::uniform5(arb_rating()).prop_map(|r| Pain {
            current: r[0],
            average_week: r[1],
            worst_week: r[2],
            enjoyment_interference: r[3],
            activity_interference: r[4],
        });
        let medical = (any::<[bool; 9]>(), arb_text::<2000>(), arb_text::<1000>()).prop_map(
            |(b, medications, allergies)| Medical {
                uncontrolled_blood_pressure: b[0],
                heart_disease: b[1],
                pregnant_or_breastfeeding: b[2],
                psychosis: b[3],
                bipolar_disorder: b[4],
                liver_disease: b[5],
                eye_or_brain_pressure: b[6],
                substance_use: b[7],
                ketamine_reaction: b[8],
                medications,
                allergies,
            },
        );
        (
            red_flags,
            symptoms,
            select(PainDuration::ALL),
            pain,
            arb_unique(Condition::ALL),
            arb_unique(Diagnostic::ALL),
            arb_treatments(),
            any::<bool>(),
            medical,
            arb_mood(),
        )
            .prop_map(
                |(
                    red_flags,
                    symptoms,
                    pain_duration,
                    pain,
                    conditions,
                    diagnostics,
                    treatments,
                    upcoming_surgery,
                    medical,
                    mood,
                )| {
                    Clinical {
                        red_flags,
                        symptoms,
                        pain_duration,
                        pain,
                        conditions,
                        diagnostics,
                        treatments,
                        upcoming_surgery,
                        medical,
                        mood,
                    }
                },
            )
    }

    /// Any real calendar date from 1880 to 2100, 29 February included.
    pub(super) fn arb_date() -> impl Strategy<Value = Date> {
        (1880i16..=2100, 1i8..=12, 1i8..=31)
            .prop_filter_map("a real date", |(y, m, d)| Date::new(y, m, d).ok())
    }

    /// The reasons `screening.md` gives, computed straight from its tables.
    fn spec_reason_codes(c: &Clinical, born: Date, as_of: Date) -> Vec<&'static str> {
        let rf = &c.red_flags;
        let m = &c.medical;
        let new_pain = matches!(
            c.pain_duration,
            PainDuration::Under6Weeks | PainDuration::From6WeeksTo3Months
        );
        // The 18th birthday; someone born on 29 February has it on 1 March in non-leap years.
        let year = born.year() + 18;
        let adult_on =
            Date::new(year, born.month(), born.day()).unwrap_or_else(|_| date(year, 3, 1));
        let peg_sum = u32::from(
            c.pain.average_week.get()
                + c.pain.enjoyment_interference.get()
                + c.pain.activity_interference.get(),
        );
        let peg_tenths = (peg_sum * 10 + 1) / 3; // round(sum*10/3): remainders 2 go up, 1 down
        let not_good = c
            .treatments
            .iter()
            .filter(|t| t.result != TreatmentResult::GoodRelief)
            .count();

        let rules = [
            ("bladder_or_bowel_change", rf.bladder_or_bowel_change),
            ("saddle_numbness", rf.saddle_numbness),
            ("both_legs_symptoms", rf.both_legs_symptoms),
            ("worsening_leg_weakness", rf.worsening_leg_weakness),
            ("fever_or_chills", rf.fever_or_chills),
            ("cancer_history_new_pain", rf.cancer_history && new_pain),
            ("unexplained_weight_loss", rf.unexplained_weight_loss),
            ("recent_trauma", rf.recent_trauma),
            ("uncontrolled_blood_pressure", m.uncontrolled_blood_pressure),
            ("heart_disease", m.heart_disease),
            ("pregnant_or_breastfeeding", m.pregnant_or_breastfeeding),
            ("psychosis", m.psychosis),
            ("bipolar_disorder", m.bipolar_disorder),
            ("liver_disease", m.liver_disease),
            ("eye_or_brain_pressure", m.eye_or_brain_pressure),
            ("substance_use", m.substance_use),
            ("ketamine_reaction", m.ketamine_reaction),
            (
                "self_harm_thoughts",
                c.mood.is_some_and(|mood| mood.phq9[8].get() >= 1),
            ),
            ("under_18", as_of < adult_on),
            ("pain_not_chronic", new_pain),
            (
                "mild_pain",
                c.pain.average_week.get() < 4 && peg_tenths < 40,
            ),
            ("few_prior_treatments", not_good < 2 && !c.upcoming_surgery),
        ];
        let mut codes: Vec<&str> = rules
            .iter()
            .filter(|(_, fired)| *fired)
            .map(|(code, _)| *code)
            .collect();
        if codes.is_empty() {
            codes.push("chronic_refractory_pain");
            if c.upcoming_surgery {
                codes.push("upcoming_surgery");
            }
            if c.conditions.contains(&Condition::Crps) {
                codes.push("crps");
            }
        }
        codes.sort_unstable();
        codes
    }

    /// Any JSON: leaves of every kind, objects keyed mostly by names of the contract so the
    /// decoder gets past the first level.
    fn arb_json() -> impl Strategy<Value = Value> {
        const KEYS: &[&str] = &[
            "schema_version",
            "locale",
            "patient",
            "clinical",
            "insurance",
            "consent",
            "date_of_birth",
            "as_of",
            "red_flags",
            "symptoms",
            "pain_duration",
            "pain",
            "conditions",
            "diagnostics",
            "treatments",
            "upcoming_surgery",
            "medical",
            "mood",
            "phq9",
            "gad7",
            "kind",
            "result",
            "average_week",
            "plan",
            "member_id",
            "subscriber",
            "email",
            "preferred_contact",
        ];
        const WORDS: &[&str] = &[
            "1",
            "en",
            "1980-04-02",
            "2026-11-23",
            "crps",
            "nsaids",
            "self_pay",
            "email",
            "other",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-5i64..=15).prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            proptest::num::f64::NORMAL.prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
            select(WORDS).prop_map(|s: &'static str| Value::String(s.to_owned())),
        ];
        let key = prop_oneof![
            select(KEYS).prop_map(|s: &'static str| s.to_owned()),
            "[a-z_0-9]{0,10}"
        ];
        leaf.prop_recursive(5, 96, 10, move |inner| {
            prop_oneof![
                vec(inner.clone(), 0..10).prop_map(Value::Array),
                btree_map(key.clone(), inner, 0..10)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Every dotted path of a JSON value (objects and arrays, leaves included).
    fn paths(value: &Value, at: &str, out: &mut Vec<String>) {
        out.push(at.to_owned());
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| paths(v, &join(at, k), out)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| paths(v, &join(at, &i.to_string()), out)),
            _ => {}
        }
    }

    fn join(at: &str, key: &str) -> String {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    }

    fn all_paths(value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        paths(value, "", &mut out);
        out.retain(|p| !p.is_empty());
        out
    }

    /// A valid intake or request with one field replaced by arbitrary JSON, or with an
    /// arbitrary field added to one of its objects.
    fn arb_mutation(base: fn() -> Value) -> impl Strategy<Value = Value> {
        (select(all_paths(&base())), arb_json(), any::<bool>()).prop_map(move |(path, new, add)| {
            let value = base();
            let into_object =
                add && matches!(value.pointer(&pointer(&path)), Some(Value::Object(_)));
            let target = if into_object {
                format!("{path}.x")
            } else {
                path
            };
            with(value, &target, new)
        })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn the_outcome_is_the_most_urgent_outcome_of_the_returned_reasons(
            c in arb_clinical(), born in arb_date(), as_of in arb_date(),
        ) {
            let e = evaluate(&c, born, as_of);

            prop_assert!(!e.reasons.is_empty());
            prop_assert_eq!(Some(e.outcome), e.reasons.iter().map(|r| r.outcome).max());
            for r in &e.reasons {
                prop_assert_eq!(r.outcome, r.code.outcome());
            }
            let mut unique = codes(&e);
            unique.dedup();
            prop_assert_eq!(unique.len(), e.reasons.len(), "a reason is given twice");
        }

        #[test]
        fn consult_recommended_exactly_when_no_more_urgent_rule_fires(
            c in arb_clinical(), born in arb_date(), as_of in arb_date(),
        ) {
            let e = evaluate(&c, born, as_of);

            let urgent_reason = e.reasons.iter().any(|r| r.outcome > Outcome::ConsultRecommended);
            prop_assert_eq!(e.outcome == Outcome::ConsultRecommended, !urgent_reason);
            prop_assert_eq!(
                e.outcome == Outcome::ConsultRecommended,
                codes(&e).contains(&"chronic_refractory_pain")
            );
            if e.outcome != Outcome::ConsultRecommended {
                prop_assert!(e.reasons.iter().all(|r| r.outcome != Outcome::ConsultRecommended));
            }
        }

        #[test]
        fn the_safety_alert_is_raised_exactly_when_phq9_item_9_is_positive(
            c in arb_clinical(), born in arb_date(), as_of in arb_date(),
        ) {
            let e = evaluate(&c, born, as_of);

            let item9_positive = c.mood.is_some_and(|m| m.phq9[8].get() > 0);
            prop_assert_eq!(e.safety_alert, item9_positive);
            prop_assert_eq!(codes(&e).contains(&"self_harm_thoughts"), item9_positive);
        }

        #[test]
        fn the_reasons_are_those_of_the_policy_tables(
            c in arb_clinical(), born in arb_date(), as_of in arb_date(),
        ) {
            let e = evaluate(&c, born, as_of);

            prop_assert_eq!(codes(&e), spec_reason_codes(&c, born, as_of));
        }

        #[test]
        fn the_scores_follow_their_definitions(c in arb_clinical()) {
            let s = scores(&c);

            let sum = u32::from(c.pain.average_week.get())
                + u32::from(c.pain.enjoyment_interference.get())
                + u32::from(c.pain.activity_interference.get());
            let mean = f64::from(sum) / 3.0;
            prop_assert!((s.peg.value() - mean).abs() <= 0.05 + 1e-9, "PEG {} for mean {mean}", s.peg.value());
            let phq9 = c.mood.map(|m| m.phq9.iter().map(|i| i.get()).sum::<u8>());
            let gad7 = c.mood.map(|m| m.gad7.iter().map(|i| i.get()).sum::<u8>());
            prop_assert_eq!(s.phq9, phq9);
            prop_assert_eq!(s.gad7, gad7);
            prop_assert_eq!(s.phq9_band, phq9.map(Phq9Band::of));
            prop_assert_eq!(s.gad7_band, gad7.map(Gad7Band::of));
        }

        #[test]
        fn a_clinical_section_survives_a_serde_round_trip(c in arb_clinical()) {
            let stored = serde_json::to_value(&c).unwrap();

            let read_back: Clinical = serde_json::from_value(stored).unwrap();

            prop_assert_eq!(read_back, c);
        }

        #[test]
        fn the_decoder_accepts_every_serialized_clinical_section(
            c in arb_clinical(), born in arb_date(),
        ) {
            let body = json!({
                "schema_version": 1,
                "date_of_birth": born.to_string(),
                "as_of": born.to_string(),
                "clinical": serde_json::to_value(&c).unwrap(),
            });

            let request = ScreeningRequest::from_json(&body, AS_OF);

            prop_assert!(request.is_ok(), "{:?}", request.err());
            prop_assert_eq!(request.unwrap().clinical, c);
        }

        #[test]
        fn arbitrary_json_never_panics_the_decoders_and_errors_are_never_empty(value in arb_json()) {
            if let Err(errors) = IntakeAnswers::from_json(&value, AS_OF) {
                prop_assert!(!errors.is_empty());
            }
            if let Err(errors) = ScreeningRequest::from_json(&value, AS_OF) {
                prop_assert!(!errors.is_empty());
            }
        }

        #[test]
        fn a_valid_intake_with_one_arbitrary_field_never_panics_the_decoder(value in arb_mutation(valid_intake)) {
            match IntakeAnswers::from_json(&value, AS_OF) {
                Err(errors) => prop_assert!(!errors.is_empty()),
                Ok(answers) => {
                    // Whatever is accepted is stored and read back unchanged.
                    let stored = serde_json::to_value(&answers).unwrap();
                    let read_back: IntakeAnswers = serde_json::from_value(stored).unwrap();
                    prop_assert_eq!(read_back, answers);
                }
            }
        }

        #[test]
        fn a_valid_request_with_one_arbitrary_field_never_panics_the_decoder(value in arb_mutation(valid_request)) {
            match ScreeningRequest::from_json(&value, AS_OF) {
                Err(errors) => prop_assert!(!errors.is_empty()),
                Ok(request) => {
                    let e = request.evaluate();
                    prop_assert!(!e.reasons.is_empty());
                }
            }
        }
    }
}

#[test]
fn the_red_flags_that_stop_the_wizard_come_from_the_rule_table() {
    use crate::domain::screening::{red_flags_reaching, Outcome};
    let emergency: Vec<&str> = red_flags_reaching(Outcome::Emergency).collect();
    assert_eq!(emergency, ["bladder_or_bowel_change", "saddle_numbness", "both_legs_symptoms"]);
    let urgent: Vec<&str> = red_flags_reaching(Outcome::UrgentCare).collect();
    assert_eq!(urgent, ["worsening_leg_weakness", "fever_or_chills", "unexplained_weight_loss", "recent_trauma"]);
    assert_eq!(red_flags_reaching(Outcome::ClinicianReview).count(), 0);
}
