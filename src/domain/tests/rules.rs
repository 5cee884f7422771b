//! 2. One test per rule: each fires alone from the baseline.

use super::*;

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
        assert_eq!(ReasonCode::parse(code).unwrap().outcome().as_str(), *outcome, "{code}");
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
        assert_eq!(codes(&e), ["cancer_history_new_pain", "pain_not_chronic"], "{duration}");
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
    c.mood = Some(mood(items([3, 3, 3, 3, 3, 3, 3, 3, 0]), items([3; 7])));

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

#[test]
fn the_red_flags_that_stop_the_wizard_come_from_the_rule_table() {
    use crate::domain::screening::{red_flags_reaching, Outcome};
    let emergency: Vec<&str> = red_flags_reaching(Outcome::Emergency).collect();
    assert_eq!(emergency, ["bladder_or_bowel_change", "saddle_numbness", "both_legs_symptoms"]);
    let urgent: Vec<&str> = red_flags_reaching(Outcome::UrgentCare).collect();
    assert_eq!(urgent, ["worsening_leg_weakness", "fever_or_chills", "unexplained_weight_loss", "recent_trauma"]);
    assert_eq!(red_flags_reaching(Outcome::ClinicianReview).count(), 0);
}
