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
