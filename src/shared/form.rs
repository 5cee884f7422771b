//! The wizard's steps and how each step's HTML form becomes part of the answers.
//!
//! Pure and shared: the server applies a posted form to the saved draft, and the browser
//! applies the same form as the patient types, so instant errors and server errors are
//! the same errors. Validation is the domain's own: the whole draft is decoded and the
//! errors under the step's fields are kept.

use crate::domain::decode::FieldError;
use crate::domain::intake::{IntakeAnswers, TreatmentKind};
use jiff::civil::Date;
use serde_json::{json, Map, Value};

crate::choice_enum! {
    /// The wizard's steps, in order: red flags first.
    pub enum Step {
        RedFlags = "red-flags",
        Symptoms = "symptoms",
        Duration = "duration",
        Pain = "pain",
        History = "history",
        /// "Which of these have you tried?": checkboxes.
        Treatments = "treatments",
        /// How each one tried worked, and planned surgery.
        TreatmentResults = "treatment-results",
        Medical = "medical",
        /// Answer the mood questions or skip them.
        Mood = "mood",
        /// The PHQ-9 and its difficulty question (skipped with the mood questions).
        MoodPhq9 = "mood-1",
        /// The GAD-7 and its difficulty question (skipped with the mood questions).
        MoodGad7 = "mood-2",
        About = "about-you",
        Insurance = "insurance",
        Consent = "consent",
        Review = "review",
    }
}

impl Step {
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn next(self) -> Option<Step> {
        Self::ALL.get(self.index() + 1).copied()
    }

    pub fn previous(self) -> Option<Step> {
        self.index().checked_sub(1).map(|i| Self::ALL[i])
    }

    /// Whether this step is asked, given the answers so far: the mood questions' pages
    /// are not when the patient chose to skip them.
    pub fn applies(self, draft: &Value) -> bool {
        let skipped_mood = value_at(draft, "clinical.mood").is_some_and(Value::is_null);
        !(skipped_mood && matches!(self, Self::MoodPhq9 | Self::MoodGad7))
    }

    /// The next step this patient is asked.
    pub fn next_for(self, draft: &Value) -> Option<Step> {
        std::iter::successors(self.next(), |s| s.next()).find(|s| s.applies(draft))
    }

    /// The step before this one that this patient was asked.
    pub fn previous_for(self, draft: &Value) -> Option<Step> {
        std::iter::successors(self.previous(), |s| s.previous()).find(|s| s.applies(draft))
    }

    /// The answer paths this step owns; an error belongs to the step if its field is one
    /// of these or lies below one.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Self::RedFlags => &["clinical.red_flags"],
            Self::Symptoms => &["clinical.symptoms"],
            Self::Duration => &["clinical.pain_duration"],
            Self::Pain => &["clinical.pain"],
            Self::History => &["clinical.conditions", "clinical.diagnostics"],
            Self::Treatments => &["clinical.treatments"],
            Self::TreatmentResults => &["clinical.treatments", "clinical.upcoming_surgery"],
            Self::Medical => &["clinical.medical"],
            Self::Mood => &["clinical.mood"],
            Self::MoodPhq9 => &["clinical.mood.phq9", "clinical.mood.phq9_difficulty"],
            Self::MoodGad7 => &["clinical.mood.gad7", "clinical.mood.gad7_difficulty"],
            Self::About => &["patient"],
            Self::Insurance => &["insurance"],
            Self::Consent => &["consent"],
            Self::Review => &[""],
        }
    }

    pub fn owns(self, field: &str) -> bool {
        match self {
            // Pages that split one answer: the checkbox page owns the list as a whole, the
            // next page each item's result; the mood choice owns the mood answer as a
            // whole, its two pages the items.
            Self::Treatments => field == "clinical.treatments",
            Self::TreatmentResults => {
                field.starts_with("clinical.treatments.") || Self::below(field, "clinical.upcoming_surgery")
            }
            Self::Mood => field == "clinical.mood",
            _ => self.fields().iter().any(|p| p.is_empty() || Self::below(field, p)),
        }
    }

    fn below(field: &str, path: &str) -> bool {
        field == path || field.starts_with(&format!("{path}."))
    }
}

/// The field names of the yes/no questions per section, in the order they are asked.
pub const RED_FLAGS: [&str; 8] = crate::domain::intake::RED_FLAG_QUESTIONS;
pub const SYMPTOMS: [&str; 5] =
    ["shooting_pain_bending_lifting", "severe_pain_turning_in_bed", "flare_ups", "morning_stiffness", "radiating_pain"];
pub const PAIN: [&str; 5] =
    ["current", "average_week", "worst_week", "enjoyment_interference", "activity_interference"];
pub const MEDICAL: [&str; 9] = [
    "uncontrolled_blood_pressure",
    "heart_disease",
    "pregnant_or_breastfeeding",
    "psychosis",
    "bipolar_disorder",
    "liver_disease",
    "eye_or_brain_pressure",
    "substance_use",
    "ketamine_reaction",
];

/// A posted form: name/value pairs in document order (names repeat for checkboxes).
pub type Form = [(String, String)];

fn first<'f>(form: &'f Form, name: &str) -> Option<&'f str> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn all<'f>(form: &'f Form, name: &str) -> impl Iterator<Item = &'f str> + 'f {
    let name = name.to_owned();
    form.iter().filter(move |(n, _)| *n == name).map(|(_, v)| v.as_str())
}

/// yes → true, no → false, anything else → not answered.
fn yes_no(form: &Form, name: &str) -> Option<Value> {
    match first(form, name) {
        Some("yes") => Some(Value::Bool(true)),
        Some("no") => Some(Value::Bool(false)),
        _ => None,
    }
}

/// A text answer; blank means not answered.
fn text(form: &Form, name: &str) -> Option<Value> {
    first(form, name).filter(|v| !v.trim().is_empty()).map(|v| Value::String(v.to_owned()))
}

/// A whole number; other text is kept as text so the decoder reports its type.
fn number(form: &Form, name: &str) -> Option<Value> {
    let raw = first(form, name)?.trim();
    if raw.is_empty() {
        return None;
    }
    Some(raw.parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| Value::String(raw.to_owned())))
}

/// The three fields a date is typed in, in the order they are asked (US order).
pub const DATE_PARTS: [&str; 3] = ["month", "day", "year"];

/// A date typed in three fields (`{name}.month`, `.day`, `.year`): the answers' ISO
/// `YYYY-MM-DD` when it is a real date; otherwise what was typed, as an object of the
/// three parts, so nothing is lost and the decoder reports the field (an object is not a
/// date); nothing when all three are blank.
fn date(form: &Form, name: &str) -> Option<Value> {
    let [month, day, year] = DATE_PARTS.map(|p| first(form, &format!("{name}.{p}")).unwrap_or("").trim().to_owned());
    if month.is_empty() && day.is_empty() && year.is_empty() {
        return None;
    }
    let digits = |s: &str, max_len: usize| !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit());
    if digits(&month, 2) && digits(&day, 2) && year.len() == 4 && digits(&year, 4) {
        let real = match (year.parse::<i16>(), month.parse::<i8>(), day.parse::<i8>()) {
            (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).ok(),
            _ => None,
        };
        if let Some(real) = real {
            return Some(Value::String(real.to_string()));
        }
    }
    Some(json!({ "month": month, "day": day, "year": year }))
}

/// The three parts to show in a date's fields: from the ISO date, or as they were typed.
pub fn date_parts(value: Option<&Value>) -> [String; 3] {
    match value {
        Some(Value::String(iso)) => match iso.parse::<Date>() {
            Ok(d) => [d.month().to_string(), d.day().to_string(), d.year().to_string()],
            Err(_) => Default::default(),
        },
        Some(Value::Object(typed)) => {
            DATE_PARTS.map(|p| typed.get(p).and_then(Value::as_str).unwrap_or_default().to_owned())
        }
        _ => Default::default(),
    }
}

/// Sets (or, for `None`, removes) a member of an object.
fn put(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    match value {
        Some(v) => {
            object.insert(key.to_owned(), v);
        }
        None => {
            object.remove(key);
        }
    }
}

/// The object at a dotted path, created when missing or not an object.
fn object_at<'v>(draft: &'v mut Value, path: &[&str]) -> &'v mut Map<String, Value> {
    let mut cursor = draft;
    for key in path {
        if !cursor.is_object() {
            *cursor = Value::Object(Map::new());
        }
        cursor = cursor
            .as_object_mut()
            .map(|o| o.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new())))
            .expect("made an object above");
    }
    if !cursor.is_object() {
        *cursor = Value::Object(Map::new());
    }
    cursor.as_object_mut().expect("made an object above")
}

/// Writes one step's form into the draft answers.
pub fn apply(step: Step, form: &Form, draft: &mut Value) {
    match step {
        Step::RedFlags => {
            // A checkbox list with an exclusive "None of these" (GOV.UK): every sign
            // ticked is yes and the others no; "None of these" alone is no to all;
            // nothing ticked leaves the signs unanswered. "None" with a sign (possible
            // without JavaScript) is kept as ticked, so the page shows it again, and
            // marked, so it is an error and can never be submitted.
            let ticked = |name: &str| first(form, &format!("clinical.red_flags.{name}")) == Some("yes");
            let none = ticked(NONE_OF_THESE);
            let any = RED_FLAGS.iter().any(|n| ticked(n));
            let o = object_at(draft, &["clinical", "red_flags"]);
            for name in RED_FLAGS {
                put(o, name, (any || none).then(|| Value::Bool(ticked(name))));
            }
            put(o, NONE_OF_THESE, (any && none).then_some(Value::Bool(true)));
        }
        Step::Symptoms => {
            let o = object_at(draft, &["clinical", "symptoms"]);
            for name in SYMPTOMS {
                let checked = first(form, &format!("clinical.symptoms.{name}")).is_some();
                o.insert(name.to_owned(), Value::Bool(checked));
            }
            o.insert("other".into(), Value::String(first(form, "clinical.symptoms.other").unwrap_or("").to_owned()));
        }
        Step::Duration => {
            let o = object_at(draft, &["clinical"]);
            put(o, "pain_duration", text(form, "clinical.pain_duration"));
        }
        Step::Pain => {
            let o = object_at(draft, &["clinical", "pain"]);
            for name in PAIN {
                put(o, name, number(form, &format!("clinical.pain.{name}")));
            }
        }
        Step::History => {
            let o = object_at(draft, &["clinical"]);
            for list in ["conditions", "diagnostics"] {
                let items: Vec<Value> =
                    all(form, &format!("clinical.{list}")).map(|v| Value::String(v.to_owned())).collect();
                o.insert(list.to_owned(), Value::Array(items));
            }
        }
        Step::Treatments => {
            // Which were tried, in the list's order; a result already given is kept, a
            // new one waits for the next page (null). "None of these" is an empty list;
            // nothing ticked leaves the list unanswered. Ticked treatments win over a
            // "None of these" ticked with them (possible only without JavaScript).
            let o = object_at(draft, &["clinical"]);
            let earlier = |kind: &str| -> Value {
                o.get("treatments")
                    .and_then(Value::as_array)
                    .and_then(|v| v.iter().find(|t| t["kind"] == kind))
                    .map_or(Value::Null, |t| t["result"].clone())
            };
            let tried: Vec<Value> = TreatmentKind::ALL
                .iter()
                .filter(|kind| first(form, &format!("clinical.treatments.{kind}")) == Some("yes"))
                .map(|kind| json!({ "kind": kind.as_str(), "result": earlier(kind.as_str()) }))
                .collect();
            let none = first(form, &format!("clinical.treatments.{NONE_OF_THESE}")) == Some("yes");
            put(o, "treatments", (!tried.is_empty() || none).then_some(Value::Array(tried)));
        }
        Step::TreatmentResults => {
            // `clinical.treatments.{i}.result`, for the items of the list as it stands.
            let o = object_at(draft, &["clinical"]);
            if let Some(list) = o.get_mut("treatments").and_then(Value::as_array_mut) {
                for (i, item) in list.iter_mut().enumerate() {
                    item["result"] = text(form, &format!("clinical.treatments.{i}.result")).unwrap_or(Value::Null);
                }
            }
            put(o, "upcoming_surgery", yes_no(form, "clinical.upcoming_surgery"));
        }
        Step::Medical => {
            let o = object_at(draft, &["clinical", "medical"]);
            for name in MEDICAL {
                put(o, name, yes_no(form, &format!("clinical.medical.{name}")));
            }
            for name in ["medications", "allergies"] {
                let value = first(form, &format!("clinical.medical.{name}")).unwrap_or("");
                o.insert(name.to_owned(), Value::String(value.to_owned()));
            }
        }
        Step::Mood => {
            let o = object_at(draft, &["clinical"]);
            match first(form, MOOD_CHOICE) {
                Some("skip") => {
                    o.insert("mood".into(), Value::Null);
                }
                Some("answer") => {
                    // The questions come on the next two pages; answers given earlier stay.
                    if !o.get("mood").is_some_and(Value::is_object) {
                        o.insert("mood".into(), unanswered_mood());
                    }
                }
                // Not chosen yet: no answer, which `step_errors` reports (nothing is assumed).
                _ => {
                    o.remove("mood");
                }
            }
        }
        Step::MoodPhq9 | Step::MoodGad7 => {
            let (name, n) = if step == Step::MoodPhq9 { ("phq9", 9) } else { ("gad7", 7) };
            let o = object_at(draft, &["clinical"]);
            if !o.get("mood").is_some_and(Value::is_object) {
                o.insert("mood".into(), unanswered_mood());
            }
            let mood = &mut o["mood"];
            mood[name] = Value::Array(
                (0..n).map(|i| number(form, &format!("clinical.mood.{name}.{i}")).unwrap_or(Value::Null)).collect(),
            );
            // The difficulty question is optional: unanswered is null.
            let difficulty = format!("{name}_difficulty");
            mood[difficulty.as_str()] = text(form, &format!("clinical.mood.{difficulty}")).unwrap_or(Value::Null);
        }
        Step::About => {
            let o = object_at(draft, &["patient"]);
            for name in ["first_name", "last_name", "sex_at_birth", "phone", "zip", "preferred_contact"] {
                put(o, name, text(form, &format!("patient.{name}")));
            }
            put(o, "date_of_birth", date(form, "patient.date_of_birth"));
            o.insert("email".into(), text(form, "patient.email").unwrap_or(Value::Null));
        }
        Step::Insurance => {
            let o = object_at(draft, &["insurance"]);
            for name in ["plan", "member_id", "subscriber", "other_payer_name", "subscriber_name"] {
                put(o, name, text(form, &format!("insurance.{name}")));
            }
            o.insert("group_number".into(), text(form, "insurance.group_number").unwrap_or(Value::Null));
            o.insert(
                "subscriber_date_of_birth".into(),
                date(form, "insurance.subscriber_date_of_birth").unwrap_or(Value::Null),
            );
        }
        Step::Consent => {
            let o = object_at(draft, &["consent"]);
            for name in ["privacy_notice", "contact", "attestation"] {
                o.insert(name.to_owned(), Value::Bool(first(form, &format!("consent.{name}")).is_some()));
            }
            put(o, "signature", text(form, "consent.signature"));
        }
        Step::Review => {}
    }
}

/// The `errors_step` a draft's errors are saved under when they belong to the emergency
/// page's call-request form (name and phone) rather than to a step.
pub const STOP_PAGE: &str = "stop";

/// The mood answer before any question is answered: every item unanswered.
fn unanswered_mood() -> Value {
    json!({ "phq9": vec![Value::Null; 9], "gad7": vec![Value::Null; 7], "phq9_difficulty": null, "gad7_difficulty": null })
}

/// The mood step's first question: answer the mood questions or skip them.
pub const MOOD_CHOICE: &str = "mood_choice";

/// The wizard's own rule on top of the contract's: the patient chooses whether to answer
/// the mood questions. An absent `clinical.mood` means "skipped" to the decoder, so the
/// wizard reports a choice not made yet itself (at `clinical.mood`).
fn mood_not_chosen(draft: &Value) -> Option<FieldError> {
    value_at(draft, "clinical.mood")
        .is_none()
        .then(|| FieldError { field: "clinical.mood".into(), problem: crate::domain::decode::Problem::Required })
}

/// The red-flag step's exclusive choice, `clinical.red_flags.none`: a form field, kept in
/// a draft only while it contradicts a ticked sign.
pub const NONE_OF_THESE: &str = "none";

/// The red-flag step is one question: its unanswered signs (and a "None of these" ticked
/// with a sign) are one error at `clinical.red_flags`, not eight.
fn one_red_flag_error(errors: &mut Vec<FieldError>, draft: &Value) {
    let prefix = "clinical.red_flags.";
    let Some(at) = errors.iter().position(|e| e.field.starts_with(prefix)) else { return };
    let both = value_at(draft, &format!("{prefix}{NONE_OF_THESE}")).is_some();
    errors.retain(|e| !e.field.starts_with(prefix));
    let problem =
        if both { crate::domain::decode::Problem::Exclusive } else { crate::domain::decode::Problem::Required };
    errors.insert(at.min(errors.len()), FieldError { field: "clinical.red_flags".into(), problem });
}

/// Validates the draft and keeps the errors that belong to `step` (all of them for Review).
pub fn step_errors(step: Step, draft: &Value, today: Date) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = match IntakeAnswers::from_json(&complete(draft), today) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.into_iter().filter(|e| step.owns(&e.field)).collect(),
    };
    one_red_flag_error(&mut errors, draft);
    if step == Step::Mood {
        if let Some(not_chosen) = mood_not_chosen(draft) {
            errors.insert(0, not_chosen);
        }
    }
    errors
}

/// The draft with the fields the wizard fills in itself.
pub fn complete(draft: &Value) -> Value {
    let mut full = if draft.is_object() { draft.clone() } else { json!({}) };
    if let Some(o) = full.as_object_mut() {
        o.insert("schema_version".into(), json!(1));
        o.entry("locale").or_insert(json!("en"));
    }
    full
}

/// The value of a field in the draft, by dotted path (for filling the form back in).
pub fn value_at<'v>(draft: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(draft, |v, key| match v {
        Value::Object(o) => o.get(key),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// The first step that still has errors: where a resumed patient continues.
pub fn first_incomplete(draft: &Value, today: Date) -> Step {
    let mut errors = match IntakeAnswers::from_json(&complete(draft), today) {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    };
    errors.extend(mood_not_chosen(draft));
    if errors.is_empty() {
        return Step::Review;
    }
    Step::ALL
        .iter()
        .copied()
        .find(|s| {
            // An error at a whole missing section (`clinical`) belongs to its first step too.
            let under = |e: &str| s.fields().iter().any(|p| p.starts_with(&format!("{e}.")));
            *s != Step::Review && errors.iter().any(|e| s.owns(&e.field) || under(&e.field))
        })
        .unwrap_or(Step::Review)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    fn today() -> Date {
        Date::constant(2026, 11, 23)
    }

    #[test]
    fn unanswered_red_flags_are_one_error_on_their_step_only() {
        let mut draft = json!({});
        // "no" is not a tick: the list is checkboxes whose value is "yes".
        apply(Step::RedFlags, &form(&[("clinical.red_flags.saddle_numbness", "no")]), &mut draft);
        let errors = step_errors(Step::RedFlags, &draft, today());
        let required =
            FieldError { field: "clinical.red_flags".into(), problem: crate::domain::decode::Problem::Required };
        assert_eq!(errors, vec![required]);
        assert!(step_errors(Step::Symptoms, &draft, today()).iter().all(|e| e.field.starts_with("clinical.symptoms")));
    }

    #[test]
    fn none_of_these_is_exclusive_of_every_red_flag() {
        let mut draft = json!({});
        let both = form(&[("clinical.red_flags.none", "yes"), ("clinical.red_flags.recent_trauma", "yes")]);
        apply(Step::RedFlags, &both, &mut draft);
        let errors = step_errors(Step::RedFlags, &draft, today());
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].field.as_str(), &errors[0].problem),
            ("clinical.red_flags", &crate::domain::decode::Problem::Exclusive)
        );
        // Choosing again clears the contradiction.
        apply(Step::RedFlags, &form(&[("clinical.red_flags.recent_trauma", "yes")]), &mut draft);
        assert!(step_errors(Step::RedFlags, &draft, today()).is_empty());
        assert_eq!(
            draft["clinical"]["red_flags"],
            json!({
                "bladder_or_bowel_change": false, "saddle_numbness": false, "both_legs_symptoms": false,
                "worsening_leg_weakness": false, "fever_or_chills": false, "cancer_history": false,
                "unexplained_weight_loss": false, "recent_trauma": true,
            })
        );
        apply(Step::RedFlags, &form(&[("clinical.red_flags.none", "yes")]), &mut draft);
        assert!(step_errors(Step::RedFlags, &draft, today()).is_empty());
        assert!(RED_FLAGS.iter().all(|f| draft["clinical"]["red_flags"][f] == json!(false)));
    }

    #[test]
    fn pain_and_pain_duration_are_different_steps() {
        assert!(Step::Pain.owns("clinical.pain.current"));
        assert!(!Step::Pain.owns("clinical.pain_duration"));
        assert!(Step::Duration.owns("clinical.pain_duration"));
    }

    #[test]
    fn treatments_are_ticked_on_one_page_and_rated_on_the_next() {
        let mut draft = json!({});
        // Nothing ticked is no answer: "None of these" must be chosen.
        apply(Step::Treatments, &form(&[]), &mut draft);
        assert_eq!(step_errors(Step::Treatments, &draft, today())[0].field, "clinical.treatments");
        let tick = form(&[("clinical.treatments.opioids", "yes"), ("clinical.treatments.nsaids", "yes")]);
        apply(Step::Treatments, &tick, &mut draft);
        // In the list's order, each waiting for its result, which is the next page's error.
        assert_eq!(
            draft["clinical"]["treatments"],
            json!([{"kind": "nsaids", "result": null}, {"kind": "opioids", "result": null}])
        );
        assert!(step_errors(Step::Treatments, &draft, today()).is_empty());
        let results = step_errors(Step::TreatmentResults, &draft, today());
        assert!(results.iter().any(|e| e.field == "clinical.treatments.0.result"), "{results:?}");
        apply(
            Step::TreatmentResults,
            &form(&[
                ("clinical.treatments.0.result", "no_relief"),
                ("clinical.treatments.1.result", "side_effects"),
                ("clinical.upcoming_surgery", "no"),
            ]),
            &mut draft,
        );
        assert!(step_errors(Step::TreatmentResults, &draft, today()).is_empty());
        // Ticking again keeps the results given; a box unticked drops its item.
        apply(Step::Treatments, &form(&[("clinical.treatments.opioids", "yes")]), &mut draft);
        assert_eq!(draft["clinical"]["treatments"], json!([{"kind": "opioids", "result": "side_effects"}]));
        apply(Step::Treatments, &form(&[("clinical.treatments.none", "yes")]), &mut draft);
        assert_eq!(draft["clinical"]["treatments"], json!([]));
        assert!(step_errors(Step::Treatments, &draft, today()).is_empty());
        assert!(step_errors(Step::TreatmentResults, &draft, today()).is_empty());
    }

    #[test]
    fn a_skipped_mood_section_is_null_skips_its_pages_and_an_unanswered_item_is_required() {
        let mut draft = json!({});
        apply(Step::Mood, &form(&[("mood_choice", "skip")]), &mut draft);
        assert_eq!(draft["clinical"]["mood"], Value::Null);
        assert!(step_errors(Step::Mood, &draft, today()).is_empty());
        assert_eq!(Step::Mood.next_for(&draft), Some(Step::About));
        assert_eq!(Step::About.previous_for(&draft), Some(Step::Mood));
        assert!(!Step::MoodPhq9.applies(&draft) && !Step::MoodGad7.applies(&draft));
        apply(Step::Mood, &form(&[("mood_choice", "answer")]), &mut draft);
        assert_eq!(Step::Mood.next_for(&draft), Some(Step::MoodPhq9));
        assert!(step_errors(Step::Mood, &draft, today()).is_empty(), "the choice is made");
        apply(Step::MoodPhq9, &form(&[("clinical.mood.phq9.0", "1")]), &mut draft);
        let errors = step_errors(Step::MoodPhq9, &draft, today());
        assert!(errors.iter().any(|e| e.field == "clinical.mood.phq9.1"));
        assert_eq!(errors.len(), 8, "the GAD-7's are the next page's");
        assert_eq!(step_errors(Step::MoodGad7, &draft, today()).len(), 7);
    }

    #[test]
    fn the_mood_choice_is_never_assumed() {
        let mut draft = json!({});
        let errors = step_errors(Step::Mood, &draft, today());
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["clinical.mood"]);
        apply(Step::Mood, &form(&[("clinical.mood.phq9.0", "1")]), &mut draft);
        assert_eq!(value_at(&draft, "clinical.mood"), None);
        assert_eq!(step_errors(Step::Mood, &draft, today())[0].field, "clinical.mood");
        apply(Step::Mood, &form(&[("mood_choice", "skip")]), &mut draft);
        assert!(step_errors(Step::Mood, &draft, today()).is_empty());
    }

    #[test]
    fn the_mood_difficulty_answers_are_saved_and_optional() {
        let phq9: Vec<(String, String)> = (0..9).map(|i| (format!("clinical.mood.phq9.{i}"), "1".to_owned())).collect();
        let gad7: Vec<(String, String)> = (0..7).map(|i| (format!("clinical.mood.gad7.{i}"), "0".to_owned())).collect();
        let mut draft = json!({});
        apply(Step::Mood, &form(&[("mood_choice", "answer")]), &mut draft);
        apply(Step::MoodPhq9, &phq9, &mut draft);
        apply(Step::MoodGad7, &gad7, &mut draft);
        assert_eq!(draft["clinical"]["mood"]["phq9_difficulty"], Value::Null);
        assert_eq!(draft["clinical"]["mood"]["gad7_difficulty"], Value::Null);
        for step in [Step::MoodPhq9, Step::MoodGad7] {
            assert!(step_errors(step, &draft, today()).is_empty(), "unanswered is fine");
        }

        let with = |mut items: Vec<(String, String)>, name: &str, value: &str| {
            items.push((format!("clinical.mood.{name}_difficulty"), value.to_owned()));
            items
        };
        apply(Step::MoodPhq9, &with(phq9.clone(), "phq9", "very_difficult"), &mut draft);
        apply(Step::MoodGad7, &with(gad7.clone(), "gad7", "not_difficult"), &mut draft);
        assert_eq!(draft["clinical"]["mood"]["phq9_difficulty"], "very_difficult");
        assert_eq!(draft["clinical"]["mood"]["gad7_difficulty"], "not_difficult");
        assert_eq!(draft["clinical"]["mood"]["phq9"][0], 1, "one page keeps the other's answers");

        apply(Step::MoodGad7, &with(gad7, "gad7", "sort_of"), &mut draft);
        let errors = step_errors(Step::MoodGad7, &draft, today());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "clinical.mood.gad7_difficulty");
        assert!(step_errors(Step::MoodPhq9, &draft, today()).is_empty());
    }

    #[test]
    fn a_date_in_three_fields_is_stored_as_iso_and_a_wrong_one_as_typed() {
        let dob = |m: &str, d: &str, y: &str| {
            let mut draft = json!({});
            let f = form(&[
                ("patient.date_of_birth.month", m),
                ("patient.date_of_birth.day", d),
                ("patient.date_of_birth.year", y),
            ]);
            apply(Step::About, &f, &mut draft);
            draft["patient"].get("date_of_birth").cloned()
        };
        assert_eq!(dob("4", "2", "1980"), Some(json!("1980-04-02")));
        assert_eq!(dob(" 04 ", "02", "1980"), Some(json!("1980-04-02")));
        assert_eq!(dob("", "", ""), None);
        for (m, d, y) in [("2", "30", "1980"), ("4", "2", "80"), ("April", "2", "1980"), ("4", "", "1980")] {
            let typed = dob(m, d, y).unwrap();
            assert_eq!(typed, json!({ "month": m, "day": d, "year": y }));
            assert_eq!(date_parts(Some(&typed)), [m, d, y].map(str::to_owned));
        }
        assert_eq!(date_parts(Some(&json!("1980-04-02"))), ["4", "2", "1980"].map(str::to_owned));
    }

    #[test]
    fn a_resumed_draft_continues_at_the_first_unfinished_step() {
        let mut draft = json!({});
        assert_eq!(first_incomplete(&draft, today()), Step::RedFlags);
        let none = vec![("clinical.red_flags.none".to_owned(), "yes".to_owned())];
        apply(Step::RedFlags, &none, &mut draft);
        assert_eq!(first_incomplete(&draft, today()), Step::Symptoms);
    }
}
