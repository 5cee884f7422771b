//! 6. Property tests.

use super::*;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// Failures are reported, not persisted (no regression files in the tree).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
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
fn arb_unique<T: Clone + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = Vec<T>> {
    subsequence(all, 0..=all.len()).prop_shuffle()
}

fn arb_treatments() -> impl Strategy<Value = Vec<Treatment>> {
    arb_unique(TreatmentKind::ALL)
        .prop_flat_map(|kinds| {
            let n = kinds.len();
            (Just(kinds), vec(select(TreatmentResult::ALL), n))
        })
        .prop_map(|(kinds, results)| kinds.into_iter().zip(results).map(|(k, r)| treatment(k, r)).collect())
}

fn arb_mood() -> impl Strategy<Value = Option<Mood>> {
    proptest::option::of(
        (
            proptest::array::uniform9(arb_item()),
            proptest::array::uniform7(arb_item()),
            proptest::option::of(select(Difficulty::ALL)),
            proptest::option::of(select(Difficulty::ALL)),
        )
            .prop_map(|(phq9, gad7, phq9_difficulty, gad7_difficulty)| Mood {
                phq9,
                gad7,
                phq9_difficulty,
                gad7_difficulty,
            }),
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
    let medical =
        (any::<[bool; 9]>(), arb_text::<2000>(), arb_text::<1000>()).prop_map(|(b, medications, allergies)| Medical {
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
        });
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
    (1880i16..=2100, 1i8..=12, 1i8..=31).prop_filter_map("a real date", |(y, m, d)| Date::new(y, m, d).ok())
}

/// The reasons `screening.md` gives, computed straight from its tables.
fn spec_reason_codes(c: &Clinical, born: Date, as_of: Date) -> Vec<&'static str> {
    let rf = &c.red_flags;
    let m = &c.medical;
    let new_pain = matches!(c.pain_duration, PainDuration::Under6Weeks | PainDuration::From6WeeksTo3Months);
    // The 18th birthday; someone born on 29 February has it on 1 March in non-leap years.
    let year = born.year() + 18;
    let adult_on = Date::new(year, born.month(), born.day()).unwrap_or_else(|_| date(year, 3, 1));
    let peg_sum =
        u32::from(c.pain.average_week.get() + c.pain.enjoyment_interference.get() + c.pain.activity_interference.get());
    let peg_tenths = (peg_sum * 10 + 1) / 3; // round(sum*10/3): remainders 2 go up, 1 down
    let not_good = c.treatments.iter().filter(|t| t.result != TreatmentResult::GoodRelief).count();

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
        ("self_harm_thoughts", c.mood.is_some_and(|mood| mood.phq9[8].get() >= 1)),
        ("under_18", as_of < adult_on),
        ("pain_not_chronic", new_pain),
        ("mild_pain", c.pain.average_week.get() < 4 && peg_tenths < 40),
        ("few_prior_treatments", not_good < 2 && !c.upcoming_surgery),
    ];
    let mut codes: Vec<&str> = rules.iter().filter(|(_, fired)| *fired).map(|(code, _)| *code).collect();
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
        "phq9_difficulty",
        "gad7_difficulty",
        "kind",
        "result",
        "average_week",
        "plan",
        "member_id",
        "subscriber",
        "email",
        "preferred_contact",
    ];
    const WORDS: &[&str] =
        &["1", "en", "1980-04-02", "2026-11-23", "crps", "nsaids", "self_pay", "email", "other", "very_difficult"];
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
    let key = prop_oneof![select(KEYS).prop_map(|s: &'static str| s.to_owned()), "[a-z_0-9]{0,10}"];
    leaf.prop_recursive(5, 96, 10, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..10).prop_map(Value::Array),
            btree_map(key.clone(), inner, 0..10).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every dotted path of a JSON value (objects and arrays, leaves included).
fn paths(value: &Value, at: &str, out: &mut Vec<String>) {
    out.push(at.to_owned());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| paths(v, &join(at, k), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| paths(v, &join(at, &i.to_string()), out)),
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
        let into_object = add && matches!(value.pointer(&pointer(&path)), Some(Value::Object(_)));
        let target = if into_object { format!("{path}.x") } else { path };
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
