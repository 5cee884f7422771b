//! 4. Precedence, and the notes that never change the outcome.

use super::*;

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
    assert_screening(&["recent_trauma", "heart_disease"], Outcome::UrgentCare, &["recent_trauma", "heart_disease"]);
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
    for code in ["under_18", "pain_not_chronic", "mild_pain", "few_prior_treatments"] {
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
        &["ketamine_reaction", "pain_not_chronic", "mild_pain", "few_prior_treatments"],
        Outcome::ClinicianReview,
        &["ketamine_reaction", "pain_not_chronic", "mild_pain", "few_prior_treatments"],
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
        &["mild_pain", "heart_disease", "fever_or_chills", "saddle_numbness"],
        Outcome::Emergency,
        &["mild_pain", "heart_disease", "fever_or_chills", "saddle_numbness"],
    );
    let outcomes: Vec<Outcome> = e.reasons.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Emergency, Outcome::UrgentCare, Outcome::ClinicianReview, Outcome::NotYet]);
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
            assert_eq!(codes(&e), ["chronic_refractory_pain", "crps", "upcoming_surgery"]);
        } else {
            assert_ne!(e.outcome, Outcome::ConsultRecommended, "{code}");
            for note in ["chronic_refractory_pain", "crps", "upcoming_surgery"] {
                assert!(!codes(&e).contains(&note), "{note} noted although {code} fired");
            }
        }
    }
}
