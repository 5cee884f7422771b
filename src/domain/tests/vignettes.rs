//! 1. The vignettes of `shared/spec/examples`: each evaluates as the spec expects.

use super::*;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/spec/examples");

fn load_examples() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let dir = std::fs::read_dir(EXAMPLES).unwrap_or_else(|e| panic!("reading {EXAMPLES}: {e}"));
    for entry in dir {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_example_vignette_gets_its_expected_outcome_reasons_and_scores() {
    let examples = load_examples();
    assert!(examples.len() >= 6, "expected at least 6 vignettes in {EXAMPLES}, found {}", examples.len());

    for (file, example) in &examples {
        let request = ScreeningRequest::from_json(&example["request"], AS_OF)
            .unwrap_or_else(|e| panic!("{file}: request rejected: {e:?}"));
        let expect = &example["expect"];

        let e = request.evaluate();

        assert_eq!(json!(e.outcome.as_str()), expect["outcome"], "{file}: outcome");
        assert_eq!(json!(e.safety_alert), expect["safety_alert"], "{file}: safety_alert");
        assert_eq!(serde_json::to_value(e.scores).unwrap(), expect["scores"], "{file}: scores");
        assert_eq!(json!(codes(&e)), expect["reason_codes"], "{file}: reason codes");
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

#[test]
fn difficulty_answers_never_change_a_vignettes_outcome_reasons_or_scores() {
    let mut with_mood = 0;
    for (file, example) in &load_examples() {
        if example["request"]["clinical"]["mood"].is_null() {
            continue;
        }
        with_mood += 1;
        for (phq9, gad7) in [("extremely_difficult", "not_difficult"), ("not_difficult", "extremely_difficult")] {
            let mut request = example["request"].clone();
            request["clinical"]["mood"]["phq9_difficulty"] = json!(phq9);
            request["clinical"]["mood"]["gad7_difficulty"] = json!(gad7);
            let request = ScreeningRequest::from_json(&request, AS_OF)
                .unwrap_or_else(|e| panic!("{file}: request rejected: {e:?}"));
            assert!(request.clinical.mood.is_some_and(|m| m.phq9_difficulty.is_some()), "{file}: read");
            let e = request.evaluate();
            let expect = &example["expect"];
            assert_eq!(serde_json::to_value(e.scores).unwrap(), expect["scores"], "{file}: scores");
            assert_eq!(json!(e.outcome.as_str()), expect["outcome"], "{file}: outcome");
            assert_eq!(json!(codes(&e)), expect["reason_codes"], "{file}: reason codes");
            assert_eq!(json!(e.safety_alert), expect["safety_alert"], "{file}: safety_alert");
        }
    }
    assert!(with_mood >= 3, "vignettes with mood answers: {with_mood}");
}
