//! 3. Boundaries: the values on each side of every threshold.

use super::*;

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
    assert_eq!(evaluate(&baseline(), born, date(2026, 11, 22)).outcome, Outcome::NotYet);
    assert_eq!(evaluate(&baseline(), born, date(2026, 11, 23)).outcome, Outcome::ConsultRecommended);
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
        assert_eq!(serde_json::to_value(peg).unwrap(), json!(expected_number), "{a}+{b}+{c}");
    }
}

#[test]
fn peg_rounding_is_right_for_every_possible_sum() {
    for sum in 0u8..=30 {
        let (a, b, c) = (sum.min(10), sum.saturating_sub(10).min(10), sum.saturating_sub(20));
        // sum/3 in tenths is q + r/3; round up when the remainder is at least a half.
        let (q, r) = (u32::from(sum) * 10 / 3, u32::from(sum) * 10 % 3);
        let expected = if 2 * r >= 3 { q + 1 } else { q };

        assert_eq!(u32::from(Peg::from_ratings(a, b, c).tenths()), expected, "sum {sum}");
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

fn few_prior_treatments_fires(treatments: &[(TreatmentKind, TreatmentResult)], surgery: bool) -> bool {
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
        assert!(few_prior_treatments_fires(&[(Nsaids, result)], false), "{result}");
    }
}

#[test]
fn few_prior_treatments_does_not_fire_for_2_treatments_without_good_relief() {
    use TreatmentKind::*;
    use TreatmentResult::*;
    for (first, second) in [(NoRelief, SomeRelief), (SideEffects, NoRelief), (SomeRelief, SomeRelief)] {
        assert!(!few_prior_treatments_fires(&[(Nsaids, first), (Opioids, second)], false));
    }
}

#[test]
fn few_prior_treatments_does_not_count_treatments_that_gave_good_relief() {
    use TreatmentKind::*;
    use TreatmentResult::*;
    let mostly_good = [(Nsaids, GoodRelief), (Opioids, GoodRelief), (Injections, GoodRelief), (Chiropractic, NoRelief)];
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
    c.mood = Some(mood(items_summing(total), items([0; 7])));
    scores(&c)
}

fn gad7_scores(total: u8) -> Scores {
    let mut c = baseline();
    c.mood = Some(mood(items([0; 9]), items_summing(total)));
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

    assert_eq!(s, json!({"peg": 7.0, "phq9": null, "phq9_band": null, "gad7": null, "gad7_band": null}));
}
